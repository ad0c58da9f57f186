// What every view of a trace offers the viewer, which loops over its views instead of calling each by name.
import type { CriticalPath } from '../model/criticalPath.ts';
import type { LoadedTrace } from '../model/loadedTrace.ts';
import type { TimeWindow } from '../model/timeWindow.ts';
import type { TraceModel } from '../model/traceModel.ts';

/** The trace on show, as each view receives it. */
export interface ShownTrace {
  readonly loaded: LoadedTrace;
  readonly model: TraceModel;
  readonly cp: CriticalPath;
  /** The time the full track width stands for, µs (a comparison lines two traces up on one axis). */
  readonly axisUs: number;
}

export interface TraceView {
  readonly element: HTMLElement;
  /** Draws a trace (a new one, or the same one on a new axis): the view starts over, nothing chosen or marked. */
  show(trace: ShownTrace): void;
  /** No trace on show (cleared, or one that cannot be drawn): the view empties. */
  clear(): void;
  /** Marks the spans set to 1 (search matches, a finding's spans); undefined unmarks. One mask shared by all views. */
  highlight?(marked: Uint8Array | undefined): void;
  /** The chosen span, or null for none. */
  select?(span: number | null): void;
  /** The part of the trace across the track; undefined = the whole axis. */
  setWindow?(window: TimeWindow | undefined): void;
  /** Draws now if on screen (a view in a hidden tab draws when its tab opens). */
  refresh?(): void;
  destroy?(): void;
}

/** What a view has marked (the shared mask) and chosen, with the two TraceView methods that change them and redraw. */
export interface ViewMarks {
  marked: Uint8Array | undefined;
  selected: number;
  /** A new trace: nothing marked or chosen. */
  reset(): void;
  highlight(mask: Uint8Array | undefined): void;
  select(span: number | null): void;
}

/** Marks for a view that redraws whole on each change; `showing` says whether it has a trace to mark. */
export function createViewMarks(showing: () => boolean, redraw: () => void): ViewMarks {
  const marks: ViewMarks = {
    marked: undefined,
    selected: -1,
    reset() {
      marks.marked = undefined;
      marks.selected = -1;
    },
    highlight(mask) {
      if (!showing()) return;
      marks.marked = mask;
      redraw();
    },
    select(span) {
      marks.selected = span ?? -1;
      redraw();
    },
  };
  return marks;
}
