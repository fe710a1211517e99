// keyhole-v1 client frames without a server: parseClientFrame's answer to every kind of line a client may send.
import test from 'ava';
import { parseClientFrame } from '../../src/protocol/client-frames.ts';
import { MAX_ARGV, MAX_ENV, MAX_TIMEOUT_MS, type ClientFrame, type ErrorCode } from '../../src/protocol/frames.ts';

const json = (value: unknown) => JSON.stringify(value);

const parses = test.macro({
  exec(t, input: unknown, frame: ClientFrame) {
    const parsed = parseClientFrame(typeof input === 'string' ? input : json(input));
    t.deepEqual(parsed, { ok: true, frame });
  },
  title: (title, input) => `accepts ${title ?? json(input)}`,
});

test(
  'a hello without versions, as version 1',
  parses,
  { type: 'hello' },
  { type: 'hello', client: undefined, versions: [1] },
);
test(
  'a hello with a client name and versions',
  parses,
  { type: 'hello', client: 'ci', versions: [2, 1] },
  { type: 'hello', client: 'ci', versions: [2, 1] },
);
test(
  'a minimal run',
  parses,
  { type: 'run', id: 'a', argv: ['echo', 'hi'] },
  { type: 'run', id: 'a', argv: ['echo', 'hi'], stdin: undefined, timeoutMs: undefined, env: undefined },
);
test(
  'a run with stdin (decoded from base64), timeoutMs and env',
  parses,
  { type: 'run', id: 'b', argv: ['cat-in'], stdin: 'AP8K', timeoutMs: 500, env: { LANG: 'C' } },
  { type: 'run', id: 'b', argv: ['cat-in'], stdin: Buffer.from([0, 255, 10]), timeoutMs: 500, env: { LANG: 'C' } },
);
test('a cancel', parses, { type: 'cancel', id: 'a' }, { type: 'cancel', id: 'a' });
test('a list without an id', parses, { type: 'list' }, { type: 'list', id: undefined });
test('a list with an id', parses, { type: 'list', id: 'q1' }, { type: 'list', id: 'q1' });
test('a sessions request', parses, { type: 'sessions', id: 'q' }, { type: 'sessions', id: 'q' });
test('a kill', parses, { type: 'kill', session: 's4' }, { type: 'kill', id: undefined, session: 's4' });
test('a shutdown', parses, { type: 'shutdown' }, { type: 'shutdown', id: undefined });
test('unknown fields, which are ignored', parses, { type: 'list', extra: 1 }, { type: 'list', id: undefined });
test('a frame with surrounding spaces', parses, '  {"type":"list"}  ', { type: 'list', id: undefined });

const rejects = test.macro({
  exec(t, input: unknown, code: ErrorCode, id: string | undefined, message: RegExp) {
    const parsed = parseClientFrame(typeof input === 'string' ? input : json(input));
    if (parsed.ok) return t.fail(`accepted ${json(parsed.frame)}`);
    t.is(parsed.code, code);
    t.is(parsed.id, id);
    t.regex(parsed.message, message);
  },
  title: (title, input, code) => `answers ${code} to ${title ?? json(input)}`,
});

const run = (fields: object) => ({ type: 'run', id: 'r', argv: ['echo'], ...fields });

test('text that is not JSON', rejects, 'echo hi', 'bad_frame', undefined, /not valid JSON/);
test('a truncated object', rejects, '{"type":"run"', 'bad_frame', undefined, /not valid JSON/);
test('an array', rejects, [1], 'bad_frame', undefined, /JSON object/);
test('a string', rejects, '"hi"', 'bad_frame', undefined, /JSON object/);
test('null', rejects, null, 'bad_frame', undefined, /JSON object/);
test('an object without a type', rejects, { id: 'x' }, 'bad_frame', 'x', /needs a "type"/);
test('a numeric type', rejects, { type: 3 }, 'bad_frame', undefined, /needs a "type"/);
test('an unknown type, keeping its id', rejects, { type: 'exec', id: 'x' }, 'unknown_type', 'x', /"exec".*run/);
test('an empty id', rejects, { type: 'list', id: '' }, 'bad_frame', undefined, /"id" must be/);
test('a numeric id', rejects, { type: 'cancel', id: 7 }, 'bad_frame', undefined, /"id" must be/);
test('an id of 65 characters', rejects, { type: 'list', id: 'x'.repeat(65) }, 'bad_frame', undefined, /1-64/);
test('a run without an id', rejects, { type: 'run', argv: ['echo'] }, 'bad_frame', undefined, /needs an "id"/);
test('a run without argv', rejects, { type: 'run', id: 'r' }, 'bad_frame', 'r', /"argv"/);
test('a run with an empty argv', rejects, run({ argv: [] }), 'bad_frame', 'r', /non-empty/);
test('a run with argv as a string', rejects, run({ argv: 'echo hi' }), 'bad_frame', 'r', /"argv"/);
test('a run with a number in argv', rejects, run({ argv: ['sleep', 1] }), 'bad_frame', 'r', /strings/);
test('a run with too many arguments', rejects, run({ argv: Array(MAX_ARGV + 1).fill('x') }), 'bad_frame', 'r', /1024/);
test('a run with stdin that is not base64', rejects, run({ stdin: 'hi there!' }), 'bad_frame', 'r', /base64/);
test('a run with stdin as bytes', rejects, run({ stdin: [104, 105] }), 'bad_frame', 'r', /base64/);
test('a run with timeoutMs 0', rejects, run({ timeoutMs: 0 }), 'bad_frame', 'r', /timeoutMs/);
test('a run with a negative timeoutMs', rejects, run({ timeoutMs: -5 }), 'bad_frame', 'r', /timeoutMs/);
test('a run with a fractional timeoutMs', rejects, run({ timeoutMs: 1.5 }), 'bad_frame', 'r', /timeoutMs/);
test('a run with timeoutMs as text', rejects, run({ timeoutMs: '10' }), 'bad_frame', 'r', /timeoutMs/);
test(
  'a run with a timeoutMs beyond what a timer can hold',
  rejects,
  run({ timeoutMs: MAX_TIMEOUT_MS + 1 }),
  'bad_frame',
  'r',
  /timeoutMs/,
);
test('a run with env as a list', rejects, run({ env: ['LANG=C'] }), 'bad_frame', 'r', /"env"/);
test('a run with a numeric env value', rejects, run({ env: { LANG: 1 } }), 'bad_frame', 'r', /"env"/);
test('a run with an env name holding =', rejects, run({ env: { 'LC_A=B': 'x' } }), 'bad_frame', 'r', /"env"/);
test(
  'a run with too many env entries',
  rejects,
  run({ env: Object.fromEntries(Array.from({ length: MAX_ENV + 1 }, (_, i) => [`LC_${i}`, 'x'])) }),
  'bad_frame',
  'r',
  /at most 32/,
);
test('a cancel without an id', rejects, { type: 'cancel' }, 'bad_frame', undefined, /cancel needs/);
test('a kill without a session', rejects, { type: 'kill', id: 'k' }, 'bad_frame', 'k', /"session"/);
test('a kill with an empty session', rejects, { type: 'kill', session: '' }, 'bad_frame', undefined, /"session"/);
test('a hello with versions as text', rejects, { type: 'hello', versions: '1' }, 'bad_frame', undefined, /integers/);
test(
  'a hello with fractional versions',
  rejects,
  { type: 'hello', versions: [1.5] },
  'bad_frame',
  undefined,
  /integers/,
);
