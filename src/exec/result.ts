// The outcome of one process run (execa's result.js): the facts of how it ended, and the exit status they map to.
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import type { RunRequest } from './request.ts';

export interface ProcessResult {
  /** Exit code, when the program exited. */
  readonly code: number | null;
  /** Name of the signal that ended it, when it was killed. */
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly truncated: boolean;
  readonly canceled: boolean;
  readonly durationMs: number;
  /** Bytes written to each destination (what the client received, at most the cap together). */
  readonly stdoutBytes: number;
  readonly stderrBytes: number;
  /** One line when the program could not be started, with its errno code (ENOENT, EACCES, ...). */
  readonly error?: string;
  readonly errorCode?: string;
}

// Maps a result to the exit status a shell would report.
export function exitCodeOf(r: ProcessResult): number {
  if (r.error !== undefined) return r.errorCode === 'ENOENT' ? 127 : 126;
  if (r.timedOut) return 124;
  if (r.signal !== null) return 128 + (constants.signals[r.signal as NodeJS.Signals] ?? 0);
  if (r.code !== null) return r.code;
  return 130; // canceled before it started: what a shell reports for Ctrl-C
}

// The result of a spawn that failed, with a one-line reason that says what to check.
export function spawnFailed(req: RunRequest, err: unknown, started: number): ProcessResult {
  const code = (err as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
  const hints: Record<string, string> = {
    ENOENT: enoentReason(req),
    EACCES: `permission denied; check that it is executable and that ${req.cwd} is accessible`,
  };
  const why = hints[code] ?? `cannot start (${code}: ${(err as Error).message}); check the command's configuration`;
  return { ...blank(started), error: `${req.program}: ${why}`, errorCode: code };
}

// The spawn's ENOENT does not say which path is missing; the server's own view tells the operator what to fix. (The
// program resolves as the server sees it: inside a confinement the same paths are visible or the helper says so.)
function enoentReason(req: RunRequest): string {
  if (req.cwd !== undefined && !existsSync(req.cwd)) {
    return `cannot start: the working directory ${req.cwd} is missing; create it or fix cwd in the config`;
  }
  if (!existsSync(req.program)) return `program not found; install it or fix the command's program in the config`;
  return `not found (a missing interpreter in its #! line, or a missing library); check the program`;
}

// A result with nothing happened yet, timed from `started`.
export function blank(started: number): ProcessResult {
  return {
    code: null,
    signal: null,
    timedOut: false,
    truncated: false,
    canceled: false,
    durationMs: Math.round(performance.now() - started),
    stdoutBytes: 0,
    stderrBytes: 0,
  };
}
