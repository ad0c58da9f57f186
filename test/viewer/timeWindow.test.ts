// The time window without a browser: a zoom's range, where a span falls in it, the axis ticks, a drag on the minimap.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { placeInWindow, timesAcross, wholeAxis, windowFromDrag, zoomWindow } from '../../viewer/model/timeWindow.ts';

test('a zoom with no range, an empty or a reversed one shows the whole axis', () => {
  assert.equal(zoomWindow(1000, 1000), undefined);
  assert.equal(zoomWindow(1000, 1000, 200), undefined);
  assert.equal(zoomWindow(1000, 1000, 300, 300), undefined);
  assert.equal(zoomWindow(1000, 1000, 400, 100), undefined);
  assert.deepEqual(wholeAxis(1000), { fromUs: 0, toUs: 1000 });
  assert.deepEqual(wholeAxis(0), { fromUs: 0, toUs: 1 }, 'a trace of no length still has a track to draw on');
});

test('a zoom is clamped to the trace start and to the later of the axis and the trace end', () => {
  assert.deepEqual(zoomWindow(1000, 1000, 200, 600), { fromUs: 200, toUs: 600 });
  assert.deepEqual(zoomWindow(1000, 1000, -50, 5000), { fromUs: 0, toUs: 1000 });
  // A comparison's shorter trace sits on the longer one's axis: the zoom may reach to that axis's end.
  assert.deepEqual(zoomWindow(3000, 1000, 500, 2500), { fromUs: 500, toUs: 2500 });
  assert.equal(zoomWindow(1000, 1000, 1500, 2000), undefined, 'a range past the end leaves nothing to show');
});

test('a span is placed across the window in percent; zooming in 4× makes it 4× as wide', () => {
  const whole = wholeAxis(1000);
  assert.deepEqual(placeInWindow(whole, 250, 100), { left: 25, width: 10 });
  const zoomed = zoomWindow(1000, 1000, 200, 450)!;
  assert.deepEqual(placeInWindow(zoomed, 250, 100), { left: 20, width: 40 });
  assert.ok(placeInWindow(zoomed, 0, 100).left < 0, 'a span before the window starts off the left edge');
});

test('the ticks name the time at each fraction of the window', () => {
  assert.deepEqual(timesAcross({ fromUs: 200, toUs: 600 }, [0, 0.25, 0.5, 0.75, 1]), [200, 300, 400, 500, 600]);
});

test('a drag across the minimap picks the range between its ends, either way; a click picks none', () => {
  assert.deepEqual(windowFromDrag(2000, 0.25, 0.75), { fromUs: 500, toUs: 1500 });
  assert.deepEqual(windowFromDrag(2000, 0.75, 0.25), { fromUs: 500, toUs: 1500 });
  assert.deepEqual(windowFromDrag(2000, -0.5, 1.5), { fromUs: 0, toUs: 2000 });
  assert.equal(windowFromDrag(2000, 0.5, 0.502), undefined);
});
