// Hand-made traces for the viewer tests: a lock hotspot with a known share, and one full of markup that must stay text.
import type { JaegerTrace } from '../../model/jaegerJson.ts';

const T0 = 1_700_000_000_000_000;
const ms = 1000;

/** 100 ms request; "db.lock" owns 62 ms of the critical path and logs why. */
export function lockTrace(): JaegerTrace {
  const traceID = 'a1b2c3d4e5f60718';
  const ref = (spanID: string) => [{ refType: 'CHILD_OF' as const, traceID, spanID }];
  return {
    traceID,
    processes: {
      p1: { serviceName: 'frontend', tags: [{ key: 'hostname', type: 'string', value: 'stage-laptop' }] },
      p2: { serviceName: 'inventory', tags: [] },
    },
    warnings: null,
    spans: [
      {
        traceID,
        spanID: '0000000000000001',
        operationName: 'GET /checkout',
        references: [],
        startTime: T0,
        duration: 100 * ms,
        tags: [{ key: 'span.kind', type: 'string', value: 'server' }],
        logs: [],
        processID: 'p1',
        warnings: null,
      },
      {
        traceID,
        spanID: '0000000000000002',
        operationName: 'db.lock',
        references: ref('0000000000000001'),
        startTime: T0 + 10 * ms,
        duration: 62 * ms,
        tags: [],
        processID: 'p2',
        warnings: null,
        logs: [{ timestamp: T0 + 10 * ms, fields: [{ key: 'event', type: 'string', value: 'waiting behind 3' }] }],
      },
      {
        traceID,
        spanID: '0000000000000003',
        operationName: 'db.query',
        references: ref('0000000000000001'),
        startTime: T0 + 72 * ms,
        duration: 8 * ms,
        tags: [],
        logs: [],
        processID: 'p2',
        warnings: null,
      },
    ],
  };
}

export const XSS = '<img src=x onerror=alert(1)>';

export function markupTrace(): JaegerTrace {
  const traceID = 'feedfacefeedface';
  return {
    traceID,
    processes: { p1: { serviceName: '<script>alert(2)</script>', tags: [{ key: 'host', type: 'string', value: XSS }] } },
    warnings: null,
    spans: [
      {
        traceID,
        spanID: '00000000000000aa',
        operationName: XSS,
        references: [],
        startTime: T0,
        duration: 5 * ms,
        tags: [
          { key: 'payload', type: 'string', value: XSS },
          { key: '<b>key</b>', type: 'string', value: 'x' },
        ],
        logs: [{ timestamp: T0 + 2 * ms, fields: [{ key: 'message', type: 'string', value: XSS }] }],
        processID: 'p1',
        warnings: [XSS],
      },
    ],
  };
}
