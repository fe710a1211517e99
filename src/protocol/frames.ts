// The keyhole-v1 frames: newline-delimited JSON objects whose `type` names them (docs/PROTOCOL.md). This file is pure:
// it parses and checks client frames and defines the server's; no I/O.

export const PROTOCOL_NAME = 'keyhole-v1';
export const PROTOCOL_VERSION = 1;
export const MAX_FRAME_BYTES = 1024 * 1024;
const MAX_ID = 64;
export const MAX_ARGV = 1024;
export const MAX_ENV = 32;
/** The longest timer Node can set (2^31 - 1 ms, about 24.8 days); a longer one would fire at once. */
export const MAX_TIMEOUT_MS = 2_147_483_647;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** The frames a client may send, in the order the spec describes them. */
export const CLIENT_FRAME_TYPES = ['hello', 'run', 'cancel', 'list', 'sessions', 'kill', 'shutdown'] as const;

export type ErrorCode =
  | 'bad_frame'
  | 'too_large'
  | 'unknown_type'
  | 'unsupported_version'
  | 'denied'
  | 'unknown_command'
  | 'too_many_runs'
  | 'duplicate_id'
  | 'no_such_run'
  | 'not_admin'
  | 'no_such_session'
  | 'audit_unavailable'
  | 'internal_error';

export type ClientFrame =
  | { type: 'hello'; client?: string; versions: number[] }
  | { type: 'run'; id: string; argv: string[]; stdin?: Buffer; timeoutMs?: number; env?: Record<string, string> }
  | { type: 'cancel'; id: string }
  | { type: 'list'; id?: string }
  | { type: 'sessions'; id?: string }
  | { type: 'kill'; id?: string; session: string }
  | { type: 'shutdown'; id?: string };

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
      session: string;
      limits: {
        maxFrameBytes: number;
        maxRuns: number;
        commandTimeoutMs: number;
        maxOutputBytes: number;
        /** The largest argv (joined by spaces), as for a shell line. */
        maxLineBytes: number;
        /** A session with no input and nothing running for this long is ended (0: never). */
        idleTimeoutMs: number;
      };
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

export type Parsed = { ok: true; frame: ClientFrame } | { ok: false; id?: string; code: ErrorCode; message: string };

/** Parses one line of client input into a frame, or says exactly what is wrong with it. */
export function parseFrame(line: string): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return bad(undefined, `not valid JSON: ${(err as Error).message}`);
  }
  if (!isObject(value)) return bad(undefined, 'a frame must be a JSON object with a "type"');
  if (value.id !== undefined && !validId(value.id))
    return bad(undefined, `"id" must be a string of 1-${MAX_ID} characters`);
  const id = value.id as string | undefined;
  if (typeof value.type !== 'string') return bad(id, 'a frame needs a "type" string (hello, run, cancel, ...)');
  switch (value.type) {
    case 'hello':
      return parseHello(value);
    case 'run':
      return parseRun(value, id);
    case 'cancel':
      return id ? { ok: true, frame: { type: 'cancel', id } } : bad(id, 'cancel needs the "id" of a run');
    case 'list':
    case 'sessions':
    case 'shutdown':
      return { ok: true, frame: { type: value.type, id } };
    case 'kill':
      return typeof value.session === 'string' && value.session.length > 0
        ? { ok: true, frame: { type: 'kill', id, session: value.session } }
        : bad(id, 'kill needs "session": the id that the sessions frame lists');
    default:
      return {
        ok: false,
        id,
        code: 'unknown_type',
        message: `unknown frame type ${JSON.stringify(value.type).slice(0, 80)}: expected ${CLIENT_FRAME_TYPES.join(', ')}`,
      };
  }
}

function parseHello(value: Record<string, unknown>): Parsed {
  const versions = value.versions ?? [PROTOCOL_VERSION];
  if (!Array.isArray(versions) || !versions.every((v) => Number.isInteger(v))) {
    return bad(undefined, 'hello "versions" must be an array of integers');
  }
  const client = typeof value.client === 'string' ? value.client.slice(0, 200) : undefined;
  return { ok: true, frame: { type: 'hello', client, versions: versions as number[] } };
}

function parseRun(value: Record<string, unknown>, id: string | undefined): Parsed {
  if (!id) return bad(undefined, 'run needs an "id" (a string of 1-64 characters) to match its output');
  const { argv, stdin, timeoutMs, env } = value;
  if (
    !Array.isArray(argv) ||
    argv.length === 0 ||
    argv.length > MAX_ARGV ||
    !argv.every((a) => typeof a === 'string')
  ) {
    return bad(id, `run needs "argv": a non-empty array of at most ${MAX_ARGV} strings`);
  }
  if (stdin !== undefined && (typeof stdin !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(stdin))) {
    return bad(id, '"stdin" must be base64');
  }
  if (
    timeoutMs !== undefined &&
    (!Number.isInteger(timeoutMs) || (timeoutMs as number) <= 0 || (timeoutMs as number) > MAX_TIMEOUT_MS)
  ) {
    return bad(id, `"timeoutMs" must be an integer from 1 to ${MAX_TIMEOUT_MS}`);
  }
  if (env !== undefined && !validEnv(env)) {
    return bad(id, `"env" must be an object of at most ${MAX_ENV} strings named like shell variables (LANG, LC_ALL)`);
  }
  return {
    ok: true,
    frame: {
      type: 'run',
      id,
      argv: argv as string[],
      stdin: typeof stdin === 'string' ? Buffer.from(stdin, 'base64') : undefined,
      timeoutMs: timeoutMs as number | undefined,
      env: env as Record<string, string> | undefined,
    },
  };
}

function bad(id: string | undefined, message: string): Parsed {
  return { ok: false, id, code: 'bad_frame', message };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function validEnv(env: unknown): boolean {
  if (!isObject(env)) return false;
  const entries = Object.entries(env);
  return entries.length <= MAX_ENV && entries.every(([k, v]) => ENV_NAME.test(k) && typeof v === 'string');
}

function validId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID;
}

/** Serialises a server frame as one line. */
export function encodeFrame(frame: ServerFrame): string {
  return `${JSON.stringify(frame)}\n`;
}
