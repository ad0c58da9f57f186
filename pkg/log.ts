// One-line, component-prefixed logging for the server and its modules; LOG_LEVEL=silent quiets tests; repeated lines fold into a summary.
export interface Log {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  child(component: string): Log;
}

const levels = { silent: 0, error: 1, warn: 2, info: 3 } as const;
type Level = keyof typeof levels;
type Printed = Exclude<Level, 'silent'>;

/** Lines of one shape printed per interval before the rest are only counted. */
const LINES_PER_SHAPE = 3;
export const LOG_FOLD_INTERVAL_MS = 10_000;

/**
 * A hostile client can make the server refuse thousands of requests a second, and each refusal
 * would print a line on the presenter's terminal. Lines are grouped by shape (the message with
 * numbers and quoted parts blanked); past a few per interval the rest are counted and one
 * summary line per shape says how many there were.
 */
class LineFolder {
  private readonly counts = new Map<string, { lvl: Printed; component: string; sample: string; printed: number; folded: number }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly print: (lvl: Printed, component: string, msg: string) => void) {}

  line(lvl: Printed, component: string, msg: string): void {
    const key = `${lvl}\u0000${component}\u0000${shapeOf(msg)}`;
    let entry = this.counts.get(key);
    if (!entry) this.counts.set(key, (entry = { lvl, component, sample: msg, printed: 0, folded: 0 }));
    if (entry.printed < LINES_PER_SHAPE) {
      entry.printed++;
      this.print(lvl, component, msg);
    } else {
      entry.folded++;
      entry.sample = msg;
    }
    this.timer ??= setTimeout(() => this.flush(), LOG_FOLD_INTERVAL_MS).unref();
  }

  flush(): void {
    this.timer = undefined;
    for (const e of this.counts.values()) {
      if (e.folded > 0)
        this.print(e.lvl, e.component, `…${e.folded} more like this in the last ${LOG_FOLD_INTERVAL_MS / 1000} s, the latest: ${e.sample}`);
    }
    this.counts.clear();
  }
}

function shapeOf(msg: string): string {
  return msg
    .slice(0, 160)
    .replace(/"[^"]*"|'[^']*'/g, '"…"')
    .replace(/[0-9a-f]{8,}|\d+(\.\d+)?/gi, '#');
}

function writeLine(lvl: Printed, component: string, msg: string): void {
  const out = `[${component}] ${lvl === 'info' ? '' : `${lvl.toUpperCase()}: `}${msg}`;
  (lvl === 'info' ? console.log : console.error)(out);
}

/** Shared by every log of the process, so a flood folds whatever component it comes through. */
const folder = new LineFolder(writeLine);

export function createLog(component = 'deck', level: Level = (process.env.LOG_LEVEL as Level) || 'info'): Log {
  const max = levels[level] ?? levels.info;
  const line = (lvl: Printed, msg: string) => {
    if (levels[lvl] > max) return;
    folder.line(lvl, component, msg);
  };
  return {
    info: (m) => line('info', m),
    warn: (m) => line('warn', m),
    error: (m) => line('error', m),
    child: (c) => createLog(`${component}/${c}`, level),
  };
}

/** Prints the pending summaries now (before exit). */
export function flushLogSummaries(): void {
  folder.flush();
}
