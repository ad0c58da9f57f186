// One-line, component-prefixed logging for the server and its modules; LOG_LEVEL=silent quiets tests.
export interface Log {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  child(component: string): Log;
}

const levels = { silent: 0, error: 1, warn: 2, info: 3 } as const;
type Level = keyof typeof levels;

export function createLog(component = 'deck', level: Level = (process.env.LOG_LEVEL as Level) || 'info'): Log {
  const max = levels[level] ?? levels.info;
  const line = (lvl: Exclude<Level, 'silent'>, msg: string) => {
    if (levels[lvl] > max) return;
    const out = `[${component}] ${lvl === 'info' ? '' : lvl.toUpperCase() + ': '}${msg}`;
    (lvl === 'info' ? console.log : console.error)(out);
  };
  return {
    info: (m) => line('info', m),
    warn: (m) => line('warn', m),
    error: (m) => line('error', m),
    child: (c) => createLog(`${component}/${c}`, level),
  };
}
