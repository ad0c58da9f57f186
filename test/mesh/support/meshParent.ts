// A deck-like parent for the orphan test: starts a mesh, prints its children's pids, then waits to be killed.
import { createMesh } from '../../../demo-app/index.ts';
import { createLog } from '../../../pkg/index.ts';

const mesh = createMesh({ collectorEndpoint: 'http://127.0.0.1:9/api/traces', seed: 1, log: createLog('parent', 'silent') });
await mesh.start();
console.log(JSON.stringify(mesh.processes().map((p) => p.pid)));
setInterval(() => {}, 60_000);
