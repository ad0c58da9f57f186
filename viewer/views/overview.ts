// The minimap's picture of a whole trace, as pixels: no DOM, so the worker can paint it while the page draws rows.
import { serviceColour } from './palette.ts';
import type { TraceModel } from '../model/traceModel.ts';

export const OVERVIEW_WIDTH = 1024;
export const OVERVIEW_HEIGHT = 56;

function rgbaOf(hex: string): number {
  const v = parseInt(hex.slice(1), 16);
  // ImageData is RGBA in memory; as a little-endian Uint32 that reads ABGR.
  return ((0xff << 24) | ((v & 0xff) << 16) | (v & 0xff00) | ((v >> 16) & 0xff)) >>> 0;
}

/**
 * Each pixel row stands for a slice of the display order; a span paints its time range in that
 * slice (a short trace gets thicker bars, one band per span). Each pixel is painted once, the
 * first span over it winning (parents come first), with a skip list over painted pixels: a row of
 * thousands of overlapping wide spans costs its width, not their total width.
 */
export function overviewPixels(m: TraceModel): Uint32Array {
  const w = OVERVIEW_WIDTH;
  const h = OVERVIEW_HEIGHT;
  const px = new Uint32Array(w * h).fill(0xfffafafa);
  const colours = m.services.map((_, k) => rgbaOf(serviceColour(k).fill));
  const axis = m.durationUs > 0 ? m.durationUs : 1;
  const band = Math.max(1, Math.floor(h / m.count) - 1);
  const next = new Int32Array(w + 1);
  const free = (x: number): number => {
    let r = x;
    while (next[r] !== r) r = next[r]!;
    while (next[x] !== r) {
      const up = next[x]!;
      next[x] = r;
      x = up;
    }
    return r;
  };
  let rowY = -1;
  const { order, start, duration, service, count } = m;
  for (let p = 0; p < count; p++) {
    const u = order[p]!;
    const y = Math.min(h - 1, Math.floor((p * h) / count));
    if (y !== rowY) {
      rowY = y;
      for (let x = 0; x <= w; x++) next[x] = x;
    }
    const x0 = Math.min(w, Math.max(0, Math.floor((start[u]! / axis) * w)));
    const x1 = Math.min(w, Math.max(x0 + 1, Math.ceil(((start[u]! + duration[u]!) / axis) * w)));
    const c = colours[service[u]!]!;
    for (let x = free(x0); x < x1; x = free(x + 1)) {
      for (let yy = y; yy < Math.min(h, y + band); yy++) px[yy * w + x] = c;
      next[x] = x + 1;
    }
  }
  return px;
}
