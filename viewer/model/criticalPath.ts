// The critical path the viewer draws: the hole finder's walk over the drawn tree, strict about overruns.
import { criticalPathSegments, type PathSegments } from '../../analysis/index.ts';
import { forEachChild, type TraceModel } from './traceModel.ts';

export type CriticalPath = PathSegments;

/** Without the overrun slack: a child ending after the moment its parent waited until is not on the path. */
export function findCriticalPath(m: TraceModel): CriticalPath {
  const endOf = (i: number) => m.start[i]! + m.duration[i]!;
  return criticalPathSegments({
    n: m.count,
    durationUs: m.durationUs,
    roots: m.roots,
    start: m.start,
    endOf,
    forEachChild: (u, f) => forEachChild(m, u, f),
  });
}
