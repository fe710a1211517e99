// keyhole-v1 server frames as a client reads them: parseServerFrame accepts every frame the spec defines and refuses a
// malformed one with a message naming the frame and the field, and it never throws, whatever the line.
import test from 'ava';
import fc from 'fast-check';
import type { ErrorCode, ServerFrame } from '../../src/protocol/frames.ts';
import { parseServerFrame } from '../../src/protocol/server-frames.ts';

const numRuns = Number(process.env.FC_NUM_RUNS ?? 300);
const json = (value: unknown) => JSON.stringify(value);

const HELLO: ServerFrame = {
  type: 'hello',
  server: 'keyhole/0.1.0',
  protocol: 1,
  versions: [1],
  user: 'deploy',
  role: 'operator',
  admin: false,
  session: 's6',
  limits: {
    maxFrameBytes: 1048576,
    maxRuns: 8,
    commandTimeoutMs: 30000,
    maxOutputBytes: 10485760,
    maxLineBytes: 8192,
    idleTimeoutMs: 0,
  },
};
const EXIT = {
  type: 'exit',
  id: 'r1',
  code: 0,
  signal: null,
  durationMs: 12,
  truncated: false,
  timedOut: false,
  canceled: false,
} as const satisfies ServerFrame;
const COMMAND = {
  name: 'cat',
  args: 'rules',
  flags: [],
  paths: ['/srv'],
  patterns: [],
  maxArgs: 64,
  interactive: false,
  rule: 'no options; paths under /srv; at most 64 arguments',
};
const SESSION = {
  id: 's2',
  user: 'boss',
  role: 'admin',
  address: '127.0.0.1:42750',
  client: 'OpenSSH_9.2p1',
  since: '2026-11-25T15:11:45.821Z',
  idleMs: 0,
  command: null,
};

const accepts = test.macro({
  exec(t, frame: ServerFrame) {
    t.deepEqual(parseServerFrame(json(frame)), { ok: true, frame });
  },
  title: (title, frame: ServerFrame) => `accepts ${title ?? `a ${frame.type} frame`}`,
});

test('the hello of docs/PROTOCOL.md', accepts, HELLO);
test(accepts, { type: 'started', id: 'r1', run: 'r4' });
test('a stdout frame', accepts, { type: 'stdout', id: 'r1', data: 'aGVsbG8K' });
test('a stderr frame with no data', accepts, { type: 'stderr', id: 'r1', data: '' });
test('an exit frame', accepts, EXIT);
test('an exit frame killed by a signal, with a message', accepts, {
  ...EXIT,
  code: 127,
  signal: 'SIGTERM',
  message: 'gone: the program could not be started',
});
test('an error frame with an id', accepts, { type: 'error', id: 'r2', code: 'denied', message: 'no' });
test('an error frame without an id', accepts, { type: 'error', code: 'too_large', message: 'skipped' });
test('a list frame', accepts, { type: 'list', id: 'q1', commands: [COMMAND], frames: ['hello', 'run'] });
test('a sessions frame', accepts, { type: 'sessions', sessions: [SESSION, { ...SESSION, command: 'sleep 5' }] });
test('an ok frame', accepts, { type: 'ok', id: 'q3', action: 'kill' });

test('a frame with fields the spec does not define, keeping them', (t) => {
  const parsed = parseServerFrame(json({ ...EXIT, cpuMs: 3 }));
  t.like(parsed, { ok: true, frame: { ...EXIT, cpuMs: 3 } });
});

const refuses = test.macro({
  exec(t, input: unknown, code: ErrorCode, message: RegExp) {
    const parsed = parseServerFrame(typeof input === 'string' ? input : json(input));
    if (parsed.ok) return t.fail(`accepted ${json(parsed.frame)}`);
    t.is(parsed.code, code);
    t.regex(parsed.message, message);
    t.false(/\n/.test(parsed.message), 'one line');
  },
  title: (title, input) => `refuses ${title ?? json(input)}`,
});

test('text that is not JSON', refuses, 'hello', 'bad_frame', /^not valid JSON/);
test('an array', refuses, [EXIT], 'bad_frame', /JSON object/);
test('null', refuses, null, 'bad_frame', /JSON object/);
test('a frame without a type', refuses, { id: 'r1' }, 'unknown_type', /unknown frame type \(none\): expected hello/);
test('a client frame type', refuses, { type: 'run', id: 'r1' }, 'unknown_type', /unknown frame type "run"/);
test('a type inherited from Object', refuses, { type: 'toString' }, 'unknown_type', /"toString"/);
test(
  'an exit frame without its code',
  refuses,
  { ...EXIT, code: undefined },
  'bad_frame',
  /^exit frame: "code" must be an integer, got nothing$/,
);
test(
  'an exit frame whose code is text',
  refuses,
  { ...EXIT, code: '0' },
  'bad_frame',
  /^exit frame: "code" must be an integer, got "0"$/,
);
test('an exit frame with a fractional code', refuses, { ...EXIT, code: 0.5 }, 'bad_frame', /"code" must be an integer/);
test('an exit frame without an id', refuses, { ...EXIT, id: undefined }, 'bad_frame', /^exit frame: "id" must be/);
test('an exit frame with a numeric signal', refuses, { ...EXIT, signal: 15 }, 'bad_frame', /"signal" must be a string/);
test(
  'an exit frame with timedOut as text',
  refuses,
  { ...EXIT, timedOut: 'no' },
  'bad_frame',
  /"timedOut".*true or false/,
);
test('an exit frame with a negative duration', refuses, { ...EXIT, durationMs: -1 }, 'bad_frame', /"durationMs"/);
test(
  'an exit frame with a numeric message',
  refuses,
  { ...EXIT, message: 1 },
  'bad_frame',
  /"message" must be a string/,
);
test('an id of 65 characters', refuses, { ...EXIT, id: 'x'.repeat(65) }, 'bad_frame', /"id" must be a string of 1-64/);
test(
  'output that is not base64',
  refuses,
  { type: 'stdout', id: 'r1', data: 'hi there!' },
  'bad_frame',
  /^stdout frame: "data" must be base64/,
);
test(
  'an error frame with a code the spec does not have',
  refuses,
  { type: 'error', code: 'oops', message: 'x' },
  'bad_frame',
  /^error frame: "code" must be one of bad_frame, too_large, .*, got "oops"$/,
);
test(
  'a hello whose limits lack one',
  refuses,
  { ...HELLO, limits: { ...HELLO.limits, maxRuns: undefined } },
  'bad_frame',
  /^hello frame: "limits.maxRuns" must be an integer of 0 or more, got nothing$/,
);
test('a hello without limits', refuses, { ...HELLO, limits: 5 }, 'bad_frame', /"limits" must be an object/);
test(
  'a list frame with a bad command in it',
  refuses,
  { type: 'list', commands: [COMMAND, { ...COMMAND, flags: ['-l', 2] }], frames: [] },
  'bad_frame',
  /^list frame: "commands\[1\]\.flags\[1\]" must be a string, got 2$/,
);
test(
  'a sessions frame whose sessions are not a list',
  refuses,
  { type: 'sessions', sessions: { s1: SESSION } },
  'bad_frame',
  /"sessions" must be an array/,
);
test(
  'a long wrong value, shown clipped',
  refuses,
  { ...EXIT, code: 'x'.repeat(1000) },
  'bad_frame',
  /got "x{39}\.\.\.$/,
);

// Lines near the grammar: a valid frame with one of its fields (or any other) set to any JSON value, and JSON of any
// shape, and text that is not JSON.
const VALID: ServerFrame[] = [
  HELLO,
  EXIT,
  { type: 'stdout', id: 'a', data: 'AA==' },
  { type: 'list', commands: [COMMAND], frames: [] },
  { type: 'sessions', sessions: [SESSION] },
];
const nearFrame = fc
  .constantFrom(...VALID)
  .chain((frame) => fc.tuple(fc.constant(frame), fc.oneof(fc.constantFrom(...Object.keys(frame)), fc.string())))
  .chain(([frame, field]) => fc.jsonValue().map((value) => json({ ...frame, [field]: value })));
const anyLine = fc.oneof(nearFrame, fc.json(), fc.string({ unit: 'binary', maxLength: 60 }));

test('parseServerFrame never throws, and every refusal is one printable line', (t) => {
  fc.assert(
    fc.property(anyLine, (line) => {
      const parsed = parseServerFrame(line);
      if (parsed.ok) return typeof parsed.frame.type === 'string';
      return parsed.message.length > 0 && !/[\u0000-\u001f\u007f-\u009f]/.test(parsed.message);
    }),
    { numRuns },
  );
  t.pass();
});
