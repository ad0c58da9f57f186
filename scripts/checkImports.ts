// The import rule of the project, checked over every .ts file: doors, browser/server split, layers, runtime dependencies.
// Over 300 lines: every rule of the import check beside the reading of the tree it judges, so a rule and what it reads change together.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

export interface ImportSite {
  file: string; // project-relative, '/'-separated
  line: number;
  specifier: string;
  typeOnly: boolean;
  dynamic: boolean;
}

export interface Violation extends ImportSite {
  target: string; // the resolved project file, or the bare specifier
  reason: string;
}

/** Tooling folders: they drive the parts from outside and never ship. */
const tooling = new Set(['test', 'bench', 'scripts', 'devkit']);
/** The development kit: tooling that tests, benches and scripts share (through its door, tests aside); nothing else imports it. */
const devkit = 'devkit';
/** Folders whose files run in the browser, besides whatever the HTML pages reach. */
const browserFolders = ['slides/deck/', 'slides/live/', 'slides/recordings/', 'viewer/', 'join/browser/'];
/**
 * Folders that are server code through and through: browser code never reaches into them. Any other file that no
 * page reaches (join/server/, a new folder) is server code too.
 */
const serverFolders = ['server/', 'demo-app/', 'embedded-jaeger/', 'pkg/'];
/** Node code that runs at build time only (the deck's vite plugin): it may use devDependencies. */
const buildFolders = ['slides/build/'];
/** Code that runs everywhere (the browser, the server, a CLI): no DOM, no Node, no server code. */
const sharedFolders = ['model/', 'analysis/'];
/**
 * Layers below the parts: each may import only the folders listed (and itself).
 * server/ is the composition root: it imports the parts, and no part imports it.
 */
const layers: Record<string, string[]> = { model: [], analysis: ['model'], pkg: ['model'] };
const skippedDirs = new Set(['node_modules', 'dist', 'test-output', 'bench-output', '.git', '.vite']);
const pageEntries = ['index.html', 'join.html', 'viewer.html'];

const nodeBuiltins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function toPosix(p: string): string {
  return p.split(sep).join('/');
}

/** Every .ts file of the project, project-relative. */
export function projectFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (skippedDirs.has(entry.name) || entry.name.startsWith('.')) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(m|c)?tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(toPosix(relative(root, full)));
    }
  };
  walk(root);
  return out.sort();
}

/** Static imports, export-from, import-equals and dynamic import() of one file, with their lines. */
export function importSites(file: string, text: string): ImportSite[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const sites: ImportSite[] = [];
  const add = (node: ts.Node, spec: ts.Expression, typeOnly: boolean, dynamic: boolean): void => {
    if (!ts.isStringLiteralLike(spec)) return;
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    sites.push({ file, line, specifier: spec.text, typeOnly, dynamic });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const typeOnly =
        !!clause &&
        (clause.isTypeOnly ||
          (!clause.name &&
            !!clause.namedBindings &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(node, node.moduleSpecifier, typeOnly, false);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      add(node, node.moduleSpecifier, node.isTypeOnly, false);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, node.moduleReference.expression, node.isTypeOnly, false);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0]) {
      add(node, node.arguments[0], false, true);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, node.argument.literal as ts.Expression, true, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return sites;
}

/** The project file a relative specifier names ('?raw' and the like stripped), or undefined for a package. */
function resolveRelative(root: string, from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.') && !specifier.startsWith('/')) return undefined;
  const bare = specifier.replace(/[?#].*$/, '');
  const base = bare.startsWith('/') ? join(root, bare) : resolve(root, dirname(from), bare);
  const candidates = [base, `${base}.ts`, join(base, 'index.ts')];
  const hit = candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? base;
  return toPosix(relative(root, hit));
}

/** The package a bare specifier names: 'a/b' → 'a', '@s/a/b' → '@s/a'. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

const topFolder = (file: string): string => (file.includes('/') ? file.slice(0, file.indexOf('/')) : '');
const under = (file: string, folders: string[]): boolean => folders.some((f) => file.startsWith(f));

/**
 * The door to `target` from `from`, or undefined when the import is free. Another top-level folder is entered
 * through its index.ts; one without (slides/) is a group of parts, each entered through its own index.ts.
 * Inside a top-level folder its sub-folders are shared freely, except a sub-folder with an index.ts: that is a part.
 */
function doorFor(root: string, from: string, target: string): { folder: string; door: string | undefined } | undefined {
  const segments = target.split('/').slice(0, -1);
  const hasDoor = (folder: string): boolean => existsSync(join(root, folder, 'index.ts'));
  const top = `${segments[0]}/`;
  if (segments.length === 0) return undefined;
  if (!from.startsWith(top)) {
    if (hasDoor(top)) return { folder: top, door: `${top}index.ts` };
    const part = segments.length >= 2 ? `${segments.slice(0, 2).join('/')}/` : top;
    return { folder: part, door: hasDoor(part) ? `${part}index.ts` : undefined };
  }
  for (let depth = 2; depth <= segments.length; depth += 1) {
    const folder = `${segments.slice(0, depth).join('/')}/`;
    if (!from.startsWith(folder) && hasDoor(folder)) return { folder, door: `${folder}index.ts` };
  }
  return undefined;
}

/** A process's entry file: the mesh's services start from server.ts (the supervisor spawns it), a tool from main.ts. */
const processEntries = ['server.ts', 'main.ts'];
/** What a process shows the others: its HTTP contract and the typed client that calls it over HTTP. */
const processFaces = new Set(['api.ts', 'client.ts']);

/**
 * A sub-folder with an entry file (processEntries) and no index.ts is a process (a mesh service):
 * others talk to it over HTTP, importing at most its contract and client (processFaces), never its code.
 */
export function processFolderOf(root: string, target: string): string | undefined {
  const folder = dirname(target);
  if (!folder.includes('/')) return undefined; // a top-level folder is entered through its door instead
  if (existsSync(join(root, folder, 'index.ts'))) return undefined;
  return processEntries.some((entry) => existsSync(join(root, folder, entry))) ? `${folder}/` : undefined;
}

/** Files that run in the browser: the browser folders plus everything the HTML pages reach. */
function browserFiles(root: string, sitesByFile: Map<string, ImportSite[]>): Set<string> {
  const seen = new Set<string>();
  const queue: string[] = [...sitesByFile.keys()].filter((f) => under(f, browserFolders));
  for (const page of pageEntries) {
    const path = join(root, page);
    if (!existsSync(path)) continue;
    for (const m of readFileSync(path, 'utf8').matchAll(/<script[^>]*\bsrc="([^"]+\.ts)"/g)) {
      queue.push(toPosix(relative(root, resolve(root, m[1]!.replace(/^\//, '')))));
    }
  }
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file) || !sitesByFile.has(file) || under(file, serverFolders) || tooling.has(topFolder(file))) continue;
    seen.add(file);
    for (const site of sitesByFile.get(file)!) {
      const target = resolveRelative(root, file, site.specifier);
      if (target) queue.push(target);
    }
  }
  return seen;
}

interface Edge {
  from: string;
  to: string;
  isTooling: boolean;
  inBrowser: boolean;
  targetIsServer: boolean;
}

/** The first rule an import of a project file breaks, most serious first. */
function ruleBroken(root: string, file: string, target: string, e: Edge): string | undefined {
  if (e.to === devkit && e.from !== devkit && !tooling.has(e.from)) {
    return `${devkit}/ holds development tools: only test/, bench/ and scripts/ import it (${e.from || 'the root'}/ is product code)`;
  }
  if (tooling.has(e.to) && e.to !== e.from && e.from !== 'test' && e.to !== devkit) {
    return e.to === 'test'
      ? `only tests import test/ (${e.from || 'the root'}/ is not a test)`
      : `${e.to}/ is tooling: no other folder imports it`;
  }
  if (e.inBrowser && e.targetIsServer) return 'browser code never imports server code';
  const allowed = layers[e.from];
  if (e.to !== e.from && allowed && !allowed.includes(e.to))
    return `${e.from}/ sits below the parts: it imports only ${allowed.join(', ') || 'itself'}`;
  if (e.to === 'server' && e.from !== 'server' && !e.isTooling)
    return 'server/ is the composition root: parts never import it (pass values down instead)';
  if (e.from === 'test') return undefined; // a unit test may reach the unit it tests
  const process = processFolderOf(root, target);
  if (process && !file.startsWith(process) && !processFaces.has(target.slice(process.length))) {
    return `${process} is a process: talk to it over HTTP (its ${[...processFaces].join(' or ')}), never by import`;
  }
  // A bench times a part's inner pieces, as a test tries them: it may import any file (devkit through its door, as products do).
  if (e.from === 'bench' && e.to !== devkit) return undefined;
  const door = doorFor(root, file, target);
  if (door && door.door === undefined) return `${door.folder} has no door (index.ts): add one and import through it`;
  if (door && door.door !== target) return `import ${door.folder} through its door ${door.door}`;
  return undefined;
}

/** Server code: neither reached by a page, nor shared, nor the build step, nor tooling, nor a root file. */
function runsOnServer(file: string, browser: Set<string>): boolean {
  return !browser.has(file) && !under(file, [...sharedFolders, ...buildFolders]) && !tooling.has(topFolder(file)) && file.includes('/');
}

function readSites(root: string): Map<string, ImportSite[]> {
  const sitesByFile = new Map<string, ImportSite[]>();
  for (const file of projectFiles(root)) sitesByFile.set(file, importSites(file, readFileSync(join(root, file), 'utf8')));
  return sitesByFile;
}

/** Where each file runs, by the same reading the import rule uses: the type checker compiles each side on its own. */
export function classifyFiles(root: string): { shared: string[]; browser: string[]; server: string[]; build: string[]; tooling: string[] } {
  const sitesByFile = readSites(root);
  const browser = browserFiles(root, sitesByFile);
  const files = [...sitesByFile.keys()];
  return {
    shared: files.filter((f) => under(f, sharedFolders)),
    browser: files.filter((f) => browser.has(f) && !under(f, sharedFolders)),
    server: files.filter((f) => runsOnServer(f, browser)),
    build: files.filter((f) => under(f, buildFolders) || !f.includes('/')),
    tooling: files.filter((f) => tooling.has(topFolder(f))),
  };
}

/** Every import that breaks the rule. */
export function findViolations(root: string): Violation[] {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const runtimeDeps = new Set(Object.keys(manifest.dependencies ?? {}));
  const sitesByFile = readSites(root);
  const browser = browserFiles(root, sitesByFile);
  const isServer = (f: string): boolean => sitesByFile.has(f) && runsOnServer(f, browser);
  const out: Violation[] = [];

  for (const [file, sites] of sitesByFile) {
    const from = topFolder(file);
    const isTooling = tooling.has(from) || from === '';
    const inBrowser = browser.has(file);
    const shared = under(file, sharedFolders);
    for (const site of sites) {
      const flag = (target: string, reason: string): void => {
        out.push({ ...site, target, reason });
      };
      const target = resolveRelative(root, file, site.specifier);
      if (target === undefined) {
        const pkg = packageName(site.specifier);
        if (nodeBuiltins.has(site.specifier) || nodeBuiltins.has(pkg)) {
          if (inBrowser) flag(site.specifier, 'browser code cannot use Node built-ins');
          else if (shared) flag(site.specifier, `${from}/ runs everywhere: no Node built-ins`);
        } else if (isServer(file) && !site.typeOnly && !site.dynamic && !runtimeDeps.has(pkg)) {
          flag(
            site.specifier,
            `server code loads it at run time but ${pkg} is not in dependencies (npm ci --omit=dev would break npm start)`,
          );
        }
        continue;
      }
      const to = topFolder(target);
      const reason = ruleBroken(root, file, target, { from, to, isTooling, inBrowser, targetIsServer: isServer(target) });
      if (reason) flag(target, reason);
    }
  }
  return out.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

export function formatViolation(v: Violation): string {
  return `${v.file}:${v.line} imports ${v.target} — ${v.reason}`;
}

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The known-violations list of test/architecture/: one line per import, without its line number. */
export const knownKey = (v: Violation): string => `${v.file} imports ${v.target} — ${v.reason}`;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const violations = findViolations(projectRoot);
  if (process.argv.includes('--write-known')) {
    const header =
      '# Imports that break the rule, each a debt of the folder it sits in; paid debts are removed (npm run check:imports -- --write-known).\n';
    writeFileSync(
      join(projectRoot, 'test/architecture/knownViolations.txt'),
      `${header + [...new Set(violations.map(knownKey))].join('\n')}\n`,
    );
  }
  for (const v of violations) console.log(formatViolation(v));
  const byFolder = new Map<string, number>();
  for (const v of violations) byFolder.set(topFolder(v.file), (byFolder.get(topFolder(v.file)) ?? 0) + 1);
  console.log(
    `\n${violations.length} import(s) break the rule${violations.length ? `: ${[...byFolder].map(([f, n]) => `${f}/ ${n}`).join(', ')}` : ''}`,
  );
  process.exitCode = violations.length > 0 ? 1 : 0;
}
