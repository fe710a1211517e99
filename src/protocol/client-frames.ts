// What the server makes of a line from a client: the frame it names, checked field by field, or an error code and a
// message that says exactly what is wrong. Pure: never throws, whatever the line holds.
import { BASE64, isObject, validId } from './checks.ts';
import {
  CLIENT_FRAME_TYPES,
  MAX_ARGV,
  MAX_ENV,
  MAX_ID,
  MAX_TIMEOUT_MS,
  PROTOCOL_VERSION,
  type ClientFrame,
  type Parsed,
} from './frames.ts';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Parses one line of client input into a frame, or says exactly what is wrong with it. */
export function parseClientFrame(line: string): Parsed<ClientFrame> {
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
    case 'elevate':
      return typeof value.password === 'string'
        ? { ok: true, frame: { type: 'elevate', id, password: value.password } }
        : bad(id, 'elevate needs "password": the admin password, as a string');
    default:
      return {
        ok: false,
        id,
        code: 'unknown_type',
        message: `unknown frame type ${JSON.stringify(value.type).slice(0, 80)}: expected ${CLIENT_FRAME_TYPES.join(', ')}`,
      };
  }
}

function parseHello(value: Record<string, unknown>): Parsed<ClientFrame> {
  const versions = value.versions ?? [PROTOCOL_VERSION];
  if (!Array.isArray(versions) || !versions.every((v) => Number.isInteger(v))) {
    return bad(undefined, 'hello "versions" must be an array of integers');
  }
  const client = typeof value.client === 'string' ? value.client.slice(0, 200) : undefined;
  return { ok: true, frame: { type: 'hello', client, versions: versions as number[] } };
}

function parseRun(value: Record<string, unknown>, id: string | undefined): Parsed<ClientFrame> {
  if (!id) return bad(undefined, `run needs an "id" (a string of 1-${MAX_ID} characters) to match its output`);
  const { argv, stdin, timeoutMs, env } = value;
  if (
    !Array.isArray(argv) ||
    argv.length === 0 ||
    argv.length > MAX_ARGV ||
    !argv.every((a) => typeof a === 'string')
  ) {
    return bad(id, `run needs "argv": a non-empty array of at most ${MAX_ARGV} strings`);
  }
  if (stdin !== undefined && (typeof stdin !== 'string' || !BASE64.test(stdin))) {
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

function bad(id: string | undefined, message: string): Parsed<ClientFrame> {
  return { ok: false, id, code: 'bad_frame', message };
}

function validEnv(env: unknown): boolean {
  if (!isObject(env)) return false;
  const entries = Object.entries(env);
  return entries.length <= MAX_ENV && entries.every(([k, v]) => ENV_NAME.test(k) && typeof v === 'string');
}
