// The operator-facing log: one line per event on stderr, `time level message key=value...`. Audit is separate.

export type Level = 'debug' | 'info' | 'warn' | 'error';

export const LEVELS: readonly Level[] = ['debug', 'info', 'warn', 'error'];

export interface Logger {
  log(level: Level, message: string, fields?: Record<string, unknown>): void;
}

/** Parses a level name (`--log-level`, KEYHOLE_LOG_LEVEL), case-insensitively; null when it is not one. */
export function parseLevel(text: string): Level | null {
  const level = text.trim().toLowerCase();
  return (LEVELS as readonly string[]).includes(level) ? (level as Level) : null;
}

/**
 * The level the environment asks for: KEYHOLE_LOG_LEVEL, else `debug` when KEYHOLE_DEBUG is set (the older switch,
 * kept working), else `info`. An unknown KEYHOLE_LOG_LEVEL is an error, not a silent default.
 */
export function levelFromEnv(env: NodeJS.ProcessEnv): { ok: true; level: Level } | { ok: false; reason: string } {
  const named = env.KEYHOLE_LOG_LEVEL;
  if (named !== undefined && named !== '') {
    const level = parseLevel(named);
    if (level === null)
      return { ok: false, reason: `KEYHOLE_LOG_LEVEL must be one of ${LEVELS.join(', ')}, got '${named}'` };
    return { ok: true, level };
  }
  return { ok: true, level: env.KEYHOLE_DEBUG ? 'debug' : 'info' };
}

/** A logger writing human-readable lines to a stream: the lines at `minimum` and above. */
export function streamLogger(stream: NodeJS.WritableStream, minimum: Level = 'info'): Logger {
  const floor = LEVELS.indexOf(minimum);
  return {
    log(level, message, fields = {}) {
      if (LEVELS.indexOf(level) < floor) return;
      const extra = Object.entries(fields)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? JSON.stringify(v) : String(v)}`)
        .join(' ');
      stream.write(`${new Date().toISOString()} ${level} ${message}${extra ? ` ${extra}` : ''}\n`);
    },
  };
}

/** A logger that drops everything, for tests that do not read the log. */
export const silentLogger: Logger = { log() {} };
