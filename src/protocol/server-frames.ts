// What a client makes of a line from the server: the frame it names, every field the spec defines checked, or a
// message that says which field of which frame is wrong. Pure: never throws, whatever the line holds.
import { printable } from '../line/printable.ts';
import {
  base64,
  count,
  duration,
  fieldsProblem,
  flag,
  frameId,
  integer,
  isObject,
  listOf,
  nullable,
  oneOf,
  optional,
  shape,
  shown,
  text,
  type Check,
} from './checks.ts';
import { ERROR_CODES, SERVER_FRAME_TYPES, type Parsed, type ServerFrame } from './frames.ts';

type Type = ServerFrame['type'];
// The frame of each type (`stdout` and `stderr` share one member of the union).
type FrameOf<T extends Type> = ServerFrame extends infer F
  ? F extends { type: infer U }
    ? T extends U
      ? F
      : never
    : never
  : never;
// A check for every field a frame of that type defines, so that a field added to ServerFrame cannot go unchecked.
type Fields<T extends Type> = { readonly [K in Exclude<keyof FrameOf<T>, 'type'>]-?: Check };

const LIMITS = shape({
  maxFrameBytes: count,
  maxRuns: count,
  commandTimeoutMs: count,
  maxOutputBytes: count,
  maxLineBytes: count,
  idleTimeoutMs: count,
});
const COMMAND = shape({
  name: text,
  args: text,
  flags: listOf(text),
  paths: listOf(text),
  patterns: listOf(text),
  maxArgs: count,
  interactive: flag,
  rule: text,
});
const SESSION = shape({
  id: text,
  user: text,
  role: text,
  address: text,
  client: text,
  since: text,
  idleMs: integer,
  command: nullable(text),
  certificate: optional(shape({ keyId: text, serial: text, ca: text })),
});
const OUTPUT: Fields<'stdout'> = { id: frameId, data: base64 };

const FIELDS: { readonly [T in Type]: Fields<T> } = {
  hello: {
    server: text,
    protocol: integer,
    versions: listOf(integer),
    user: text,
    role: text,
    admin: flag,
    elevate: optional(flag),
    session: text,
    limits: LIMITS,
  },
  started: { id: frameId, run: text },
  stdout: OUTPUT,
  stderr: OUTPUT,
  exit: {
    id: frameId,
    code: integer,
    signal: nullable(text),
    durationMs: duration,
    truncated: flag,
    timedOut: flag,
    canceled: flag,
    message: optional(text),
  },
  error: { id: optional(frameId), code: oneOf(ERROR_CODES), message: text },
  list: { id: optional(frameId), commands: listOf(COMMAND), frames: listOf(text) },
  sessions: { id: optional(frameId), sessions: listOf(SESSION) },
  ok: { id: optional(frameId), action: text },
};

/** Parses one line from the server into a frame, or says exactly what is wrong with it. */
export function parseServerFrame(line: string): Parsed<ServerFrame> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    // V8 quotes the line in its message: made printable, as the client may show it on a terminal.
    return bad(`not valid JSON: ${printable((err as Error).message)}`);
  }
  if (!isObject(value)) return bad('a frame must be a JSON object with a "type"');
  const { type } = value;
  if (!isType(type)) {
    const expected = SERVER_FRAME_TYPES.join(', ');
    return { ok: false, code: 'unknown_type', message: `unknown frame type ${shownType(type)}: expected ${expected}` };
  }
  const problem = fieldsProblem(value, FIELDS[type]);
  // Every field the type defines has passed its check, so the object is that frame (unknown fields ride along).
  return problem === null ? { ok: true, frame: value as ServerFrame } : bad(`${type} frame: ${problem}`);
}

function isType(type: unknown): type is Type {
  return typeof type === 'string' && (SERVER_FRAME_TYPES as readonly string[]).includes(type);
}

function shownType(type: unknown): string {
  return type === undefined ? '(none)' : shown(type);
}

function bad(message: string): Parsed<ServerFrame> {
  return { ok: false, code: 'bad_frame', message };
}
