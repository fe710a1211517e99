// The operator-facing log: one line per event on stderr, `time level message key=value...`. Audit is separate.

export type Level = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  log(level: Level, message: string, fields?: Record<string, unknown>): void;
}

/** A logger writing human-readable lines to a stream; debug lines only when KEYHOLE_DEBUG is set. */
export function streamLogger(stream: NodeJS.WritableStream, debug = Boolean(process.env.KEYHOLE_DEBUG)): Logger {
  return {
    log(level, message, fields = {}) {
      if (level === 'debug' && !debug) return;
      const extra = Object.entries(fields)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? JSON.stringify(v) : String(v)}`)
        .join(' ');
      stream.write(`${new Date().toISOString()} ${level} ${message}${extra ? ` ${extra}` : ''}\n`);
    },
  };
}

/** A logger that drops everything, for tests that do not read the log. */
export const silentLogger: Logger = { log() {} };
