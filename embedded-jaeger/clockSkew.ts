// Jaeger's clock-skew adjuster for rendered traces: a child from another host that does not fit in its parent is moved into it, with a warning.
// Worked over columns (typed arrays indexed by span), not an object per span: a 100k-span trace's adjustment then leaves
// nothing for the young-generation GC to copy, which had held the event loop 30–70 ms at a time.
import type { JaegerKeyValue } from '../model/index.ts';
import { formatGoDurationNs } from './goDuration.ts';
import { REF_CHILD_OF, type SpanRecord } from './spanModel.ts';
import { traceKey } from './traceStore.ts';

/** Process tags that name a host, in the order Jaeger's adjuster asks for them (jaeger-client's own names last). */
const HOST_KEYS = ['host.id', 'host.ip', 'host.name', 'hostname', 'ip'];

/** The host a process names, '' when none. */
export function hostKeyOf(tags: readonly JaegerKeyValue[]): string {
  for (const k of HOST_KEYS) {
    const t = tags.find((x) => x.key === k);
    if (t) return String(t.value);
  }
  return '';
}

/**
 * The span's parent as Jaeger's translator reads its rendered references (parentSpanId first as a CHILD_OF
 * unless a reference already names it, traceJson.ts): the first CHILD_OF in the trace, else the first FOLLOWS_FROM.
 */
function adjusterParentId(s: SpanRecord): string {
  const refs = s.refs ?? [];
  if (s.parentSpanId) {
    const own = traceKey(s.traceId);
    if (!refs.some((r) => r.spanId === s.parentSpanId && traceKey(r.traceId) === own)) return s.parentSpanId;
  }
  let follows = '';
  for (const r of refs) {
    if (r.traceId !== s.traceId) continue;
    if (r.refType === REF_CHILD_OF) return r.spanId;
    if (!follows) follows = r.spanId;
  }
  return follows;
}

/** What the adjuster decided: each span's start (µs, moved or not) and the warnings of the few spans it has words for. */
export interface SkewOutcome {
  startUs: Float64Array;
  warnings: Map<number, string[]>;
}

/**
 * Runs the adjuster over `spans` in steps: yields after every `step` spans, so a big trace's answer is made in
 * slices (boundedAnswer.ts). `hostOf(i)` is span i's host key; `maxDeltaUs` 0 = only warn (Jaeger's own default).
 */
export function* clockSkewSteps(
  spans: readonly SpanRecord[],
  hostOf: (i: number) => string,
  maxDeltaUs: number,
  step = 2000,
): Generator<undefined, SkewOutcome> {
  const n = spans.length;
  const warnings = new Map<number, string[]>();
  const warn = (i: number, text: string) => {
    const list = warnings.get(i);
    if (list) list.push(text);
    else warnings.set(i, [text]);
  };
  const startUs = new Float64Array(n);
  // Hosts numbered, 0 for none: the walk compares numbers.
  const hostIds = new Map<string, number>([['', 0]]);
  const host = new Int32Array(n);
  const index = new Map<string, number>();
  let done = 0;
  for (let i = 0; i < n; i++) {
    if (++done % step === 0) yield;
    const s = spans[i]!;
    startUs[i] = s.startTime;
    const key = hostOf(i);
    let h = hostIds.get(key);
    if (h === undefined) hostIds.set(key, (h = hostIds.size));
    host[i] = h;
    if (index.has(s.spanId)) warn(i, 'duplicate span IDs; skipping clock skew adjustment');
    else index.set(s.spanId, i);
  }
  // Children as one list per parent (counted, then filled), in the order Jaeger's map walk meets them.
  const parent = new Int32Array(n).fill(-1);
  const childCount = new Int32Array(n + 1);
  const roots: number[] = [];
  for (const i of index.values()) {
    if (++done % step === 0) yield;
    const pid = adjusterParentId(spans[i]!);
    const p = pid ? index.get(pid) : undefined;
    if (p !== undefined) {
      parent[i] = p;
      childCount[p] = childCount[p]! + 1;
    } else {
      if (pid) warn(i, `parent span ID=${pid} is not in the trace; skipping clock skew adjustment`);
      roots.push(i);
    }
  }
  const childStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) childStart[i + 1] = childStart[i]! + childCount[i]!;
  const children = new Int32Array(childStart[n]!);
  const filled = childStart.slice(0, n);
  for (const i of index.values()) {
    const p = parent[i]!;
    if (p >= 0) children[filled[p]!++] = i;
  }

  const appliedNs = new Float64Array(n);
  // Iterative walk (a trace can be a 100,000-span chain); each span is pushed once.
  const stackSpan = new Int32Array(n);
  const stackHost = new Int32Array(n);
  const stackDelta = new Float64Array(n);
  let top = 0;
  for (const r of roots) {
    stackSpan[top] = r;
    stackHost[top] = host[r]!;
    stackDelta[top++] = 0;
  }
  while (top > 0) {
    if (++done % step === 0) yield;
    top--;
    const i = stackSpan[top]!;
    let skewHost = stackHost[top]!;
    let skew = stackDelta[top]!;
    const p = parent[i]!;
    if (p >= 0 && (host[i] !== skewHost || host[i] === 0)) {
      skewHost = host[i]!;
      skew = skewNs(spans, startUs, appliedNs, i, p);
    }
    if (skew !== 0) apply(i, skew);
    for (let c = childStart[i]!; c < childStart[i + 1]!; c++) {
      stackSpan[top] = children[c]!;
      stackHost[top] = skewHost;
      stackDelta[top++] = skew;
    }
  }
  return { startUs, warnings };

  function apply(i: number, deltaNs: number): void {
    const d = formatGoDurationNs(deltaNs);
    if (Math.abs(deltaNs) > maxDeltaUs * 1000) {
      if (maxDeltaUs === 0) warn(i, `clock skew adjustment disabled; not applying calculated delta of ${d}`);
      else
        warn(
          i,
          `max clock skew adjustment delta of ${formatGoDurationNs(maxDeltaUs * 1000)} exceeded; not applying calculated delta of ${d}`,
        );
      return;
    }
    // Whole µs as Jaeger's JSON prints them (it truncates the adjusted ns).
    startUs[i]! += Math.floor(deltaNs / 1000);
    appliedNs[i] = deltaNs;
    warn(i, `This span's timestamps were adjusted by ${d}`);
  }
}

/**
 * Skew of child `c` against its (already adjusted) parent `p`, in ns to add to the child's start.
 * Same reasoning as Jaeger's: a longer child may only be moved so it does not start first;
 * a shorter one that sticks out is centred, assuming the network took as long each way.
 */
function skewNs(spans: readonly SpanRecord[], startUs: Float64Array, appliedNs: Float64Array, c: number, p: number): number {
  const parentStart = (startUs[p]! - startUs[c]!) * 1000 + appliedNs[p]!;
  const pd = spans[p]!.duration * 1000;
  const cd = spans[c]!.duration * 1000;
  if (cd > pd) return Math.max(parentStart, 0);
  if (parentStart <= 0 && cd <= parentStart + pd) return 0;
  return parentStart + Math.floor((pd - cd) / 2);
}
