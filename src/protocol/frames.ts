// The keyhole-v1 frames, for both ends: newline-delimited JSON objects whose `type` names them (docs/PROTOCOL.md).
// Types, limits and encoding; client-frames.ts and server-frames.ts check what arrives. Pure: no I/O, no imports.

export const PROTOCOL_NAME = 'keyhole-v1';
export const PROTOCOL_VERSION = 1;
export const MAX_FRAME_BYTES = 1024 * 1024;
export const MAX_ID = 64;
export const MAX_ARGV = 1024;
export const MAX_ENV = 32;
/** The longest timer Node can set (2^31 - 1 ms, about 24.8 days); a longer one would fire at once. */
export const MAX_TIMEOUT_MS = 2_147_483_647;
/** The frames a client may send, in the order the spec describes them. */
export const CLIENT_FRAME_TYPES = [
  'hello',
  'run',
  'cancel',
  'list',
  'sessions',
  'kill',
  'shutdown',
  'elevate',
] as const;
/** The frames a server sends, in the order the spec describes them. */
export const SERVER_FRAME_TYPES = [
  'hello',
  'started',
  'stdout',
  'stderr',
  'exit',
  'error',
  'list',
  'sessions',
  'ok',
] as const;

/** The codes of error frames, as the spec's table lists them. */
export const ERROR_CODES = [
  'bad_frame',
  'too_large',
  'unknown_type',
  'unsupported_version',
  'denied',
  'unknown_command',
  'too_many_runs',
  'duplicate_id',
  'no_such_run',
  'not_admin',
  'no_such_session',
  'wrong_password',
  'audit_unavailable',
  'internal_error',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export type ClientFrame =
  | { type: 'hello'; client?: string; versions: number[] }
  | { type: 'run'; id: string; argv: string[]; stdin?: Buffer; timeoutMs?: number; env?: Record<string, string> }
  | { type: 'cancel'; id: string }
  | { type: 'list'; id?: string }
  | { type: 'sessions'; id?: string }
  | { type: 'kill'; id?: string; session: string }
  | { type: 'shutdown'; id?: string }
  /** The admin password, to get admin rights as the shell's `admin` gives them (added in Keyhole 0.2.0). */
  | { type: 'elevate'; id?: string; password: string };

export interface CommandInfo {
  name: string;
  /** 'none' | 'any' | 'rules', as in the config. */
  args: string;
  flags: string[];
  paths: string[];
  patterns: string[];
  maxArgs: number;
  interactive: boolean;
  /** The rule in words, as `help` shows it. */
  rule: string;
}

export interface SessionInfo {
  id: string;
  user: string;
  role: string;
  address: string;
  client: string;
  since: string;
  idleMs: number;
  command: string | null;
  /** Present when the session logged in with a user certificate: its key id, serial (decimal) and CA fingerprint. */
  certificate?: { keyId: string; serial: string; ca: string };
}

export interface HelloLimits {
  maxFrameBytes: number;
  maxRuns: number;
  commandTimeoutMs: number;
  maxOutputBytes: number;
  /** The largest argv (joined by spaces), as for a shell line. */
  maxLineBytes: number;
  /** A session with no input and nothing running for this long is ended (0: never). */
  idleTimeoutMs: number;
}

export type ServerFrame =
  | {
      type: 'hello';
      server: string;
      protocol: number;
      versions: number[];
      user: string;
      role: string;
      admin: boolean;
      /** Whether an elevate frame may give this session admin rights (sent since Keyhole 0.2.0; absent before). */
      elevate?: boolean;
      session: string;
      limits: HelloLimits;
    }
  | { type: 'started'; id: string; run: string }
  | { type: 'stdout' | 'stderr'; id: string; data: string }
  | {
      type: 'exit';
      id: string;
      code: number;
      signal: string | null;
      durationMs: number;
      truncated: boolean;
      timedOut: boolean;
      canceled: boolean;
      /** Why the program could not be started (a configuration problem), when it could not. */
      message?: string;
    }
  | { type: 'error'; id?: string; code: ErrorCode; message: string }
  | { type: 'list'; id?: string; commands: CommandInfo[]; frames: string[] }
  | { type: 'sessions'; id?: string; sessions: SessionInfo[] }
  | { type: 'ok'; id?: string; action: string };

/** A line checked by either end's codec: the frame, or what is wrong with it (with its id when it had a valid one). */
export type Parsed<F> = { ok: true; frame: F } | { ok: false; id?: string; code: ErrorCode; message: string };

/** Serialises a frame of either end as one line; a run's stdin bytes go as base64, as on the wire. */
export function encodeFrame(frame: ClientFrame | ServerFrame): string {
  // JSON.stringify escapes every newline inside strings, so a frame is always exactly one line.
  const wire = frame.type === 'run' && frame.stdin ? { ...frame, stdin: frame.stdin.toString('base64') } : frame;
  return `${JSON.stringify(wire)}\n`;
}
