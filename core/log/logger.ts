/**
 * One structured logger: JSON lines on stderr, a child per stage carrying its context (group, topic,
 * partition). Log offsets, keys' counts and table names — never row values, SQL parameters or secrets.
 */
export type Level = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const RANK: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export function createLogger(
  level: Level,
  context: Record<string, unknown> = {},
  secrets: string[] = [],
): Logger {
  const min = RANK[level];
  const emit = (l: Exclude<Level, 'silent'>, msg: string, fields?: Record<string, unknown>) => {
    if (RANK[l] < min) return;
    let line = JSON.stringify(
      { t: new Date().toISOString(), level: l, msg, ...context, ...fields },
      (_k, v) => (typeof v === 'bigint' ? v.toString() : v),
    );
    for (const s of secrets) if (s.length >= 3) line = line.split(s).join('***');
    process.stderr.write(`${line}\n`);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (f) => createLogger(level, { ...context, ...f }, secrets),
  };
}
