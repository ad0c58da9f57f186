// Splits pbts's one otlpTrace.d.ts into a declaration file per OTLP proto package plus the module that assembles them (run by generate.sh).
// Usage: node splitTypes.mjs <pbts output> <generated dir> <origin line>. pbts writes one nested `opentelemetry.proto.…` namespace;
// each package's `v1` body moves to its own file, and otlpTrace.d.ts re-exports them under the same namespace,
// so importers see the same names, types and values (the runtime stays the one otlpTrace.js).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [pbtsFile, outDir, origin] = process.argv.slice(2);
if (!origin) throw new Error('usage: node splitTypes.mjs <pbts output> <generated dir> <origin line>');

/** Each OTLP package's file and the name the others import its `v1` under. A new package must be named here. */
const packages = {
  common: { file: 'otlpCommon', alias: 'commonV1' },
  resource: { file: 'otlpResource', alias: 'resourceV1' },
  trace: { file: 'otlpSpans', alias: 'traceV1' },
  'collector.trace': { file: 'otlpCollector', alias: 'collectorTraceV1' },
};

const lines = readFileSync(pbtsFile, 'utf8').split('\n');
const indentOf = (line) => line.length - line.trimStart().length;

// Walk pbts's nesting (four spaces a level, as pbts writes it): the namespaces above a `v1` name its package; every
// other line must be a wrapper's opening or closing, so nothing pbts writes is silently dropped.
const bodies = new Map();
const path = [];
for (let i = 0; i < lines.length; i++) {
  const line = lines[i];
  const opening = /^\s*(?:export )?namespace (\w+) \{$/.exec(line);
  if (opening && opening[1] === 'v1') {
    const pkg = path.slice(2).join('.'); // below opentelemetry.proto
    const close = `${' '.repeat(indentOf(line))}}`;
    const end = lines.indexOf(close, i + 1);
    if (end < 0) throw new Error(`no end for namespace ${pkg}.v1 at line ${i + 1}`);
    bodies.set(
      pkg,
      lines.slice(i + 1, end).map((l) => l.slice(indentOf(line))),
    );
    i = end;
  } else if (opening) path.push(opening[1]);
  else if (line.trim() === '}') path.pop();
  else if (line.trim() !== '' && !/^import /.test(line)) throw new Error(`unexpected line ${i + 1} outside a v1 namespace: ${line}`);
}
for (const pkg of bodies.keys()) if (!packages[pkg]) throw new Error(`new OTLP package ${pkg}: name its file in splitTypes.mjs`);

/** Rewrites `opentelemetry.proto.<pkg>.v1.X` to `v1.X` in its own package and to `<alias>.X` elsewhere; returns the aliases used. */
function localize(body, ownPkg) {
  const used = new Set();
  const text = body.join('\n').replace(/opentelemetry\.proto\.([a-z.]+)\.v1\./g, (_, pkg) => {
    if (pkg === ownPkg) return 'v1.';
    if (!packages[pkg]) throw new Error(`reference to unknown package ${pkg}`);
    used.add(pkg);
    return `${packages[pkg].alias}.`;
  });
  return { text, used };
}

const write = (file, purpose, text) => writeFileSync(join(outDir, `${file}.d.ts`), `// ${origin}: ${purpose}; do not edit.\n${text}`);

for (const [pkg, body] of bodies) {
  const { text, used } = localize(body, pkg);
  const imports = [];
  if (text.includes('$protobuf.')) imports.push('import * as $protobuf from "protobufjs";');
  if (/\bLong\b/.test(text)) imports.push('import Long = require("long");');
  for (const other of used) imports.push(`import type { v1 as ${packages[other].alias} } from "./${packages[other].file}.js";`);
  write(packages[pkg].file, `the types of opentelemetry.proto.${pkg}.v1`, `${imports.join('\n')}\nexport namespace v1 {\n${text}\n}\n`);
}

// The assembling module: the namespace tree pbts wrote, each `v1` now an alias of its package file's.
const tree = {};
for (const pkg of bodies.keys()) {
  let node = tree;
  for (const part of pkg.split('.')) node = node[part] ??= {};
  node.v1 = pkg;
}
const nest = (node, depth) =>
  Object.entries(node)
    .map(([name, child]) => {
      const pad = '    '.repeat(depth);
      if (typeof child === 'string') return `${pad}export import v1 = ${packages[child].alias};`;
      return `${pad}namespace ${name} {\n${nest(child, depth + 1)}\n${pad}}`;
    })
    .join('\n');
const imports = [...bodies.keys()].map((pkg) => `import { v1 as ${packages[pkg].alias} } from "./${packages[pkg].file}.js";`);
write(
  'otlpTrace',
  'the opentelemetry namespace of otlpTrace.js, assembled from the per-package type files',
  `${imports.join('\n')}\nexport namespace opentelemetry {\n    namespace proto {\n${nest(tree, 2)}\n    }\n}\n`,
);
