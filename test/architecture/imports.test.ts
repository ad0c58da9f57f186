// The import rule: each rule proven on a small tree, then the project held to it (known debts listed, none added).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { findViolations, formatViolation, knownKey as key, processFolderOf, type Violation } from '../../scripts/checkImports.ts';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'imports-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const brief = (v: Violation): string => `${v.file}:${v.line} ${v.target} — ${v.reason.split(':')[0]}`;

test('each rule fires on the import that breaks it, and only there', () => {
  const root = tree({
    'package.json': JSON.stringify({ dependencies: { express: '1' }, devDependencies: { vite: '1' } }),
    'index.html': '<script type="module" src="/slides/deck/main.ts"></script>',
    'model/index.ts': "export * from './jaeger.ts';\n",
    'model/jaeger.ts': 'export type Span = { id: string };\n',
    'analysis/index.ts': "import type { Span } from '../model/index.ts';\nimport { readFileSync } from 'node:fs';\n",
    'pkg/index.ts': "export * from './log.ts';\n",
    'audience/stats.ts': "import { build } from 'vite';\n",
    'pkg/log.ts': "import type { Mesh } from '../demo-app/index.ts';\nexport const log = 1;\n",
    'server/main.ts': "import { createMesh } from '../demo-app/index.ts';\nimport express from 'express';\n",
    'server/config.ts': 'export const port = 1;\n',
    'demo-app/index.ts':
      "import { port } from '../server/config.ts';\nimport { log } from '../pkg/index.ts';\nexport const createMesh = 1;\nexport type Mesh = 1;\n",
    'demo-app/shared/pool.ts':
      "import { build } from 'vite';\nexport const later = () => import('vite');\nimport { waitFor } from '../../devkit/index.ts';\n",
    'demo-app/kitchen/server.ts':
      "import { pool } from '../shared/pool.ts';\nimport { x } from '../storefront/server.ts';\nimport { call } from '../storefront/client.ts';\nimport type { Order } from '../storefront/api.ts';\nimport { y } from '../menu/recipes.ts';\n",
    'demo-app/storefront/server.ts': 'export const x = 1;\n',
    'demo-app/storefront/client.ts': 'export const call = 1;\n',
    'demo-app/storefront/api.ts': 'export type Order = 1;\n',
    'demo-app/menu/main.ts': "import { y } from './recipes.ts';\n",
    'demo-app/menu/recipes.ts': 'export const y = 1;\n',
    'join/index.ts': 'export const gate = 1;\n',
    'join/page.ts': "import { fmt } from './format.ts';\n",
    'join/format.ts': "import { createHash } from 'node:crypto';\nexport const fmt = 1;\n",
    'join/gate.ts': "import { createHash } from 'node:crypto';\n",
    'slides/deck/main.ts': "import '../live/index.ts';\nimport { fmt } from '../../join/page.ts';\n",
    'slides/live/index.ts':
      "import type { Span } from '../../model/jaeger.ts';\nimport { log } from '../../demo-app/index.ts';\nimport './panel.ts';\n",
    'slides/live/panel.ts': "import { waitFor } from '../../test/support/waitFor.ts';\n",
    'test/support/waitFor.ts':
      "import { port } from '../../server/config.ts';\nimport { pool } from '../../demo-app/shared/pool.ts';\nimport { waitFor } from '../../devkit/waitFor.ts';\n",
    'scripts/tool.ts':
      "import { port } from '../server/config.ts';\nimport { waitFor } from '../test/support/waitFor.ts';\nimport { waitFor as w } from '../devkit/index.ts';\n",
    'devkit/index.ts': "export * from './waitFor.ts';\n",
    'devkit/waitFor.ts':
      "import { later } from '../test/support/waitFor.ts';\nimport { createMesh } from '../demo-app/index.ts';\nimport { build } from 'vite';\nexport const waitFor = 1;\n",
    'bench/run.ts':
      "import { waitFor } from '../devkit/index.ts';\nimport { waitFor as w } from '../devkit/waitFor.ts';\nimport { pool } from '../demo-app/shared/pool.ts';\nimport { x } from '../demo-app/storefront/server.ts';\n",
  });
  try {
    assert.deepEqual(findViolations(root).map(brief), [
      'analysis/index.ts:2 node:fs — analysis/ runs everywhere',
      'audience/stats.ts:1 vite — server code loads it at run time but vite is not in dependencies (npm ci --omit=dev would break npm start)',
      'bench/run.ts:2 devkit/waitFor.ts — import devkit/ through its door devkit/index.ts',
      'bench/run.ts:4 demo-app/storefront/server.ts — demo-app/storefront/ is a process',
      'demo-app/index.ts:1 server/config.ts — server/ is the composition root',
      'demo-app/kitchen/server.ts:2 demo-app/storefront/server.ts — demo-app/storefront/ is a process',
      'demo-app/kitchen/server.ts:5 demo-app/menu/recipes.ts — demo-app/menu/ is a process',
      'demo-app/shared/pool.ts:1 vite — server code loads it at run time but vite is not in dependencies (npm ci --omit=dev would break npm start)',
      'demo-app/shared/pool.ts:3 devkit/index.ts — devkit/ holds development tools',
      'devkit/waitFor.ts:1 test/support/waitFor.ts — only tests import test/ (devkit/ is not a test)',
      'join/format.ts:1 node:crypto — browser code cannot use Node built-ins',
      'pkg/log.ts:1 demo-app/index.ts — pkg/ sits below the parts',
      'scripts/tool.ts:1 server/config.ts — server/ has no door (index.ts)',
      'scripts/tool.ts:2 test/support/waitFor.ts — only tests import test/ (scripts/ is not a test)',
      'slides/deck/main.ts:2 join/page.ts — import join/ through its door join/index.ts',
      'slides/live/index.ts:1 model/jaeger.ts — import model/ through its door model/index.ts',
      'slides/live/index.ts:2 demo-app/index.ts — browser code never imports server code',
      'slides/live/panel.ts:1 test/support/waitFor.ts — only tests import test/ (slides/ is not a test)',
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("the mesh's services are processes to the rule: each folder the supervisor starts a server.ts from", () => {
  const services = readdirSync(join(projectRoot, 'demo-app'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(projectRoot, 'demo-app', d.name, 'server.ts')))
    .map((d) => d.name);
  for (const name of ['storefront', 'orders', 'inventory', 'kitchen', 'menu', 'payments'])
    assert.ok(services.includes(name), `${name} has a server.ts`);
  for (const name of services) assert.equal(processFolderOf(projectRoot, `demo-app/${name}/server.ts`), `demo-app/${name}/`);
  // The shared folders beside them are not processes.
  assert.equal(processFolderOf(projectRoot, 'demo-app/instrumentation/serviceMain.ts'), undefined);
});

/** Imports that broke the rule when it was written, each owned by a folder being reworked; the list only shrinks. */
function knownViolations(): Set<string> {
  const text = readFileSync(join(projectRoot, 'test/architecture/knownViolations.txt'), 'utf8');
  return new Set(
    text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#')),
  );
}

test('the project adds no import that breaks the rule', (t) => {
  const known = knownViolations();
  const violations = findViolations(projectRoot);
  const added = violations.filter((v) => !known.has(key(v)));
  const remaining = new Set(violations.map(key));
  const paid = [...known].filter((k) => !remaining.has(k));
  t.diagnostic(`${violations.length - added.length} known violation(s) remain (test/architecture/knownViolations.txt)`);
  if (paid.length > 0) t.diagnostic(`fixed, remove from knownViolations.txt:\n${paid.join('\n')}`);
  assert.deepEqual(
    added.map(formatViolation),
    [],
    "new imports that break the rule (README, Architecture): go through the folder's index.ts, or move what both sides share to model/ or pkg/",
  );
});
