// Type-checks each side with its own environment: shared code without DOM or Node, browser code with DOM only, server code with Node only, tools with both.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { classifyFiles } from './checkImports.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const roles = classifyFiles(root);
const abs = (files: string[]): string[] => files.map((f) => join(root, f));

/**
 * The configs hold the compiler options (and an include for editors); the root files come from the import rule's
 * reading of where each file runs, so a file moving between sides (the attendee page) needs no config edit.
 */
const sides: { name: string; config: string; files?: string[]; report?: string[] }[] = [
  { name: 'shared (model/, analysis/)', config: 'tsconfig.shared.json', files: abs(roles.shared) },
  { name: 'browser', config: 'tsconfig.browser.json', files: abs(roles.browser) },
  { name: 'server and build', config: 'tsconfig.server.json', files: abs([...roles.server, ...roles.build]) },
  // Tools see every file (the deck's global declarations such as window.Reveal) but answer only for their own.
  { name: 'tools (test/, devkit/, bench/, scripts/)', config: 'tsconfig.json', report: abs(roles.tooling) },
];

/**
 * Parsed files shared between the four programs: lib.dom.d.ts, @types/node and our own files are parsed once.
 * Safe because the configs differ only in lib, types and checks, never in options that change parsing.
 */
const parsedFiles = new Map<string, ts.SourceFile | undefined>();
function cachingHost(options: ts.CompilerOptions): ts.CompilerHost {
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, version, onError, shouldCreate) => {
    const key = `${fileName}\0${typeof version === 'object' ? `${version.languageVersion}/${version.impliedNodeFormat}` : version}`;
    if (!parsedFiles.has(key)) parsedFiles.set(key, read(fileName, version, onError, shouldCreate));
    return parsedFiles.get(key);
  };
  return host;
}

const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const host: ts.FormatDiagnosticsHost = {
  getCanonicalFileName: (f) => f,
  getCurrentDirectory: () => root,
  getNewLine: () => '\n',
};
let failed = 0;
for (const side of sides) {
  if (only.length > 0 && !only.some((o) => side.config.includes(o))) continue;
  const started = performance.now();
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(root, side.config),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.formatDiagnostic(d, host));
      },
    },
  );
  if (!parsed) throw new Error(`cannot read ${side.config}`);
  const options = parsed.options;
  const program = ts.createProgram({ rootNames: side.files ?? parsed.fileNames, options, host: cachingHost(options) });
  // Each side reports on its own files only: every file is checked once, in the environment it runs in.
  const own = new Set(side.report ?? program.getRootFileNames());
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...program
      .getSourceFiles()
      .filter((f) => own.has(f.fileName))
      .flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)]),
  ];
  if (diagnostics.length > 0) process.stdout.write(ts.formatDiagnostics(diagnostics, host));
  console.log(
    `${side.config} — ${side.name}: ${own.size} files, ${diagnostics.length} error(s) (${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
  failed += diagnostics.length;
}
process.exitCode = failed > 0 ? 1 : 0;
