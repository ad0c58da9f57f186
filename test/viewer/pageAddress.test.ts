// What the standalone viewer's address asks to open, read by the page's first script and by the page alike.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sourcesInAddress } from '../../viewer/page/pageAddress.ts';

const at = (query: string) => sourcesInAddress(new URL(`http://127.0.0.1:8080/viewer.html${query}`));

test('one trace by ID or URL (streamed on ?stream=1), a pair to compare, a generated trace, or nothing', () => {
  const page = (q: string) => `http://127.0.0.1:8080/viewer.html${q}`;
  assert.deepEqual(at('?traceID=%20abc123%20'), {
    kind: 'one',
    what: 'trace abc123',
    request: { kind: 'id', traceID: 'abc123', page: page('?traceID=%20abc123%20'), stream: false },
  });
  assert.deepEqual(at('?url=/t.json&stream=1'), {
    kind: 'one',
    what: '/t.json',
    request: { kind: 'url', url: '/t.json', page: page('?url=/t.json&stream=1'), stream: true },
  });
  assert.deepEqual(at('?traceID=a1&compare=b2'), {
    kind: 'pair',
    what: 'traces a1 and b2',
    requests: [
      { kind: 'id', traceID: 'a1', page: page('?traceID=a1&compare=b2') },
      { kind: 'id', traceID: 'b2', page: page('?traceID=a1&compare=b2') },
    ],
  });
  assert.equal(at('?url=/a.json&compareUrl=/b.json')?.kind, 'pair');
  assert.deepEqual(at('?synthetic=5000'), {
    kind: 'one',
    what: 'a generated trace of 5000 spans',
    request: { kind: 'synthetic', count: 5000, seed: 1 },
  });
  for (const none of ['', '?synthetic=0', '?synthetic=2000000', '?synthetic=1.5', '?compare=b2', '?find=x'])
    assert.equal(at(none), undefined, none);
});
