// Jaeger's clock-skew adjuster for rendered traces: a child from another host that does not fit in its parent is moved into it, with a warning.
import type { JaegerSpan, JaegerTrace } from '../model/index.ts';
import { formatGoDurationNs } from './goDuration.ts';

/** Process tags that name a host, in the order Jaeger's adjuster asks for them (jaeger-client's own names last). */
const HOST_KEYS = ['host.id', 'host.ip', 'host.name', 'hostname', 'ip'];

interface SkewNode {
  span: JaegerSpan;
  hostKey: string;
  children: SkewNode[];
  /** ns actually added to the span's start (0 when none was applied). */
  appliedNs: number;
}

function hostKeyOf(trace: JaegerTrace, span: JaegerSpan): string {
  const tags = trace.processes[span.processID]?.tags ?? [];
  for (const k of HOST_KEYS) {
    const t = tags.find((x) => x.key === k);
    if (t) return String(t.value);
  }
  return '';
}

/** The span's parent as Jaeger's translator reads it: the first CHILD_OF reference in the trace, else the first FOLLOWS_FROM. */
function parentOf(span: JaegerSpan): string {
  let follows = '';
  for (const r of span.references) {
    if (r.traceID !== span.traceID) continue;
    if (r.refType === 'CHILD_OF') return r.spanID;
    if (!follows) follows = r.spanID;
  }
  return follows;
}

function warn(span: JaegerSpan, text: string): void {
  (span.warnings ??= []).push(text);
}

/**
 * Skew of `child` against its (already adjusted) parent, in ns to add to the child's start.
 * Same reasoning as Jaeger's: a longer child may only be moved so it does not start first;
 * a shorter one that sticks out is centred, assuming the network took as long each way.
 */
function skewNs(child: SkewNode, parent: SkewNode): number {
  const parentStart = (parent.span.startTime - child.span.startTime) * 1000 + parent.appliedNs;
  const pd = parent.span.duration * 1000;
  const cd = child.span.duration * 1000;
  if (cd > pd) return Math.max(parentStart, 0);
  if (parentStart <= 0 && cd <= parentStart + pd) return 0;
  return parentStart + Math.floor((pd - cd) / 2);
}

function apply(node: SkewNode, deltaNs: number, maxDeltaUs: number): void {
  if (deltaNs === 0) return;
  const d = formatGoDurationNs(deltaNs);
  if (Math.abs(deltaNs) > maxDeltaUs * 1000) {
    if (maxDeltaUs === 0) warn(node.span, `clock skew adjustment disabled; not applying calculated delta of ${d}`);
    else
      warn(
        node.span,
        `max clock skew adjustment delta of ${formatGoDurationNs(maxDeltaUs * 1000)} exceeded; not applying calculated delta of ${d}`,
      );
    return;
  }
  // Whole µs as Jaeger's JSON prints them (it truncates the adjusted ns).
  const shiftUs = Math.floor(deltaNs / 1000);
  node.span.startTime += shiftUs;
  for (const l of node.span.logs) l.timestamp += shiftUs;
  node.appliedNs = deltaNs;
  warn(node.span, `This span's timestamps were adjusted by ${d}`);
}

/**
 * Adjusts the rendered trace in place, in steps: yields after every `step` spans, so a big trace's answer
 * is made in slices (boundedAnswer.ts). `maxDeltaUs` 0 = only warn (Jaeger's own default).
 */
export function* clockSkewSteps(trace: JaegerTrace, maxDeltaUs: number, step = 2000): Generator<undefined, void> {
  const nodes = new Map<string, SkewNode>();
  let done = 0;
  for (const span of trace.spans) {
    if (++done % step === 0) yield;
    if (nodes.has(span.spanID)) warn(span, 'duplicate span IDs; skipping clock skew adjustment');
    else nodes.set(span.spanID, { span, hostKey: hostKeyOf(trace, span), children: [], appliedNs: 0 });
  }
  const roots: SkewNode[] = [];
  for (const n of nodes.values()) {
    if (++done % step === 0) yield;
    const pid = parentOf(n.span);
    const parent = pid ? nodes.get(pid) : undefined;
    if (parent) parent.children.push(n);
    else {
      if (pid) warn(n.span, `parent span ID=${pid} is not in the trace; skipping clock skew adjustment`);
      roots.push(n);
    }
  }
  // Iterative walk: a trace can be a 100,000-span chain.
  const stack: { node: SkewNode; parent: SkewNode | undefined; host: string; deltaNs: number }[] = roots.map((r) => ({
    node: r,
    parent: undefined,
    host: r.hostKey,
    deltaNs: 0,
  }));
  while (stack.length > 0) {
    if (++done % step === 0) yield;
    const { node, parent, host, deltaNs } = stack.pop()!;
    let skewHost = host;
    let skew = deltaNs;
    if (parent && (node.hostKey !== host || node.hostKey === '')) {
      skewHost = node.hostKey;
      skew = skewNs(node, parent);
    }
    apply(node, skew, maxDeltaUs);
    for (const c of node.children) stack.push({ node: c, parent: node, host: skewHost, deltaNs: skew });
  }
}
