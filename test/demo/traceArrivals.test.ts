// What the Demo slide reads off the wire and off a trace: the /api/live event (strictly), a trace's start and length, its sender.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JaegerSpan, JaegerTrace } from '../../model/jaegerJson.ts';
import { parseLiveTraceEvent } from '../../model/liveEvent.ts';
import { traceAttendee, traceDurationMs, traceStartMs } from '../../model/traceFacts.ts';

const EVENT = {
  traceID: '4bf92f3577b34da6',
  spanCount: 12,
  hasRoot: true,
  rootService: 'frontend',
  rootOperation: 'GET /checkout',
  startTimeUs: 1_700_000_000_000_000,
  durationUs: 184_000,
  error: false,
  services: ['frontend', 'orders'],
};

test('a live-stream event is read whole, as the server sends it (test/jaeger/live.test.ts checks the server against the same parser)', () => {
  assert.deepEqual(parseLiveTraceEvent(JSON.stringify(EVENT)), EVENT);
  // Fields the type does not know are not carried along.
  assert.deepEqual(parseLiveTraceEvent(JSON.stringify({ ...EVENT, extra: '<b>' })), EVENT);
});

test('anything else is dropped: bare ids, missing or mistyped fields, junk', () => {
  for (const data of [
    '"4bf92f3577b34da6"',
    '4bf92f3577b34da6',
    '{"traceID":"4bf92f3577b34da6","spanCount":12}',
    JSON.stringify({ ...EVENT, traceID: '<img src=x onerror=alert(1)>' }),
    JSON.stringify({ ...EVENT, spanCount: '12' }),
    JSON.stringify({ ...EVENT, spanCount: 0 }),
    JSON.stringify({ ...EVENT, spanCount: 1.5 }),
    JSON.stringify({ ...EVENT, hasRoot: 'yes' }),
    JSON.stringify({ ...EVENT, durationUs: -1 }),
    JSON.stringify({ ...EVENT, services: ['a', 1] }),
    JSON.stringify({ ...EVENT, error: undefined }),
    '[]',
    '<img src=x onerror=alert(1)>',
  ]) {
    assert.equal(parseLiveTraceEvent(data), null, data);
  }
});

function span(id: string, startUs: number, durUs: number, tags: JaegerSpan['tags'] = [], logs: JaegerSpan['logs'] = []): JaegerSpan {
  return {
    traceID: 't',
    spanID: id,
    operationName: 'op',
    references: [],
    startTime: startUs,
    duration: durUs,
    tags,
    logs,
    processID: 'p',
    warnings: null,
  };
}
const trace = (spans: JaegerSpan[]): JaegerTrace => ({
  traceID: 't',
  spans,
  processes: { p: { serviceName: 's', tags: [] } },
  warnings: null,
});

test("a trace's start is its earliest span and its length runs to the latest end, in ms", () => {
  const t = trace([span('b', 2_000_000, 500_000), span('a', 1_000_000, 300_000)]);
  assert.equal(traceStartMs(t), 1000);
  assert.equal(traceDurationMs(t), 1500);
});

test('the sender is the attendee-name baggage tag, else the attendee id, else nobody', () => {
  const named = trace([
    span('a', 0, 1, [
      { key: 'baggage.attendee-id', type: 'string', value: 'abc12345' },
      { key: 'baggage.attendee-name', type: 'string', value: 'Ada' },
    ]),
  ]);
  assert.equal(traceAttendee(named), 'Ada');
  const anonymous = trace([span('a', 0, 1, [{ key: 'baggage.attendee-id', type: 'string', value: 'abc12345' }])]);
  assert.equal(traceAttendee(anonymous), 'attendee abc12345');
  const viaLog = trace([
    span(
      'a',
      0,
      1,
      [],
      [
        {
          timestamp: 0,
          fields: [
            { key: 'event', type: 'string', value: 'baggage' },
            { key: 'key', type: 'string', value: 'attendee-name' },
            { key: 'value', type: 'string', value: 'Grace' },
          ],
        },
      ],
    ),
  ]);
  assert.equal(traceAttendee(viaLog), 'Grace');
  assert.equal(traceAttendee(trace([span('a', 0, 1)])), null);
});
