// Starts the mesh once per test file against the thrift capture and fetches settled traces from it.
import { createMesh, type Mesh, type MeshOptions, type RequestKind } from '../../../demo-app/index.ts';
import { createLog } from '../../../pkg/index.ts';
import { waitFor } from '../../../devkit/waitFor.ts';
import { rootsOf, type MeshSpan } from './meshSpans.ts';
import { startThriftCapture, type ThriftCapture } from './thriftCapture.ts';

export interface MeshUnderTest {
  mesh: Mesh;
  capture: ThriftCapture;
  /** Sends `count` requests at once and returns each one's spans once every service has flushed them. */
  traces(kind: RequestKind, count?: number, baggage?: Record<string, string>): Promise<{ status: number; spans: MeshSpan[] }[]>;
  trace(kind: RequestKind, baggage?: Record<string, string>): Promise<MeshSpan[]>;
  openAll(): Promise<void>;
  plugAll(): Promise<void>;
  close(): Promise<void>;
}

export async function startMeshUnderTest(
  seed = 7,
  env: Record<string, string> = {},
  health: Pick<MeshOptions, 'healthIntervalMs' | 'probeTimeoutMs'> = {},
): Promise<MeshUnderTest> {
  const capture = await startThriftCapture();
  const mesh = createMesh({ collectorEndpoint: capture.endpoint, seed, log: createLog('test', 'silent'), env, ...health });
  await mesh.start();

  /** Settled = every span each jaeger-client finished was accepted by the capture, and each trace has its root. */
  const settled = async (traceIDs: string[]) =>
    waitFor(
      'every finished span to reach the capture',
      async () => {
        const counts = await mesh.spanCounts();
        const finished = counts.reduce((n, c) => n + c.finished, 0);
        const reported = counts.reduce((n, c) => n + c.reported, 0);
        if (finished !== reported || capture.spans.length !== reported) return false;
        const traces = traceIDs.map((id) => capture.trace(id));
        return traces.every((t) => rootsOf(t).some((r) => r.operation === 'POST /order')) && traces;
      },
      { timeoutMs: 15_000, intervalMs: 100 },
    );

  const traces: MeshUnderTest['traces'] = async (kind, count = 1, baggage) => {
    const results = await mesh.sendRequests(kind, count, { baggage });
    const spans = await settled(results.map((r) => r.traceID));
    // settled answers one trace per id, in the order given: spans[i] is results[i]'s.
    return results.map((r, i) => ({ status: r.status, spans: spans[i]! }));
  };
  const setAll = async (plugged: boolean) => {
    for (const h of mesh.holes()) await mesh.setHole(h.id, plugged);
  };

  // Warm the JIT and the connections so the first traces measured are not the cold ones.
  await mesh.sendRequests('normal', 2);
  return {
    mesh,
    capture,
    traces,
    trace: async (kind, baggage) => {
      const [one] = await traces(kind, 1, baggage);
      if (!one) throw new Error(`the mesh answered no ${kind} request`);
      return one.spans;
    },
    openAll: () => setAll(false),
    plugAll: () => setAll(true),
    close: async () => {
      await mesh.stop();
      await capture.close();
    },
  };
}
