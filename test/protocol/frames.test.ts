// keyhole-v1 framing without a server: parseFrame's answer to every kind of client line, encodeFrame, LineSplitter.
import test from 'ava';
import {
  MAX_ARGV,
  MAX_ENV,
  MAX_TIMEOUT_MS,
  encodeFrame,
  parseFrame,
  type ClientFrame,
  type ErrorCode,
} from '../../src/protocol/frames.ts';
import { LineSplitter, type LineEvent } from '../../src/protocol/lines.ts';

const json = (value: unknown) => JSON.stringify(value);

const parses = test.macro({
  exec(t, input: unknown, frame: ClientFrame) {
    const parsed = parseFrame(typeof input === 'string' ? input : json(input));
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
    const parsed = parseFrame(typeof input === 'string' ? input : json(input));
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

test('encodeFrame writes one line, whatever the frame holds', (t) => {
  const text = encodeFrame({ type: 'error', id: 'a', code: 'denied', message: 'two\nlines\u2028here' });
  t.true(text.endsWith('\n'));
  t.is(text.indexOf('\n'), text.length - 1);
  t.deepEqual(parseFrame(text.trim()).ok, false, 'a server frame is not a client frame');
  t.is((JSON.parse(text) as { message: string }).message, 'two\nlines\u2028here');
});

const splits = test.macro({
  exec(t, chunks: (string | Buffer)[], max: number, want: LineEvent[]) {
    const splitter = new LineSplitter(max);
    t.deepEqual(
      chunks.flatMap((c) => splitter.push(Buffer.isBuffer(c) ? c : Buffer.from(c))),
      want,
    );
  },
  title: (title) => `LineSplitter ${title}`,
});
const l = (line: string): LineEvent => ({ type: 'line', line });

test('splits a chunk into its lines', splits, ['a\nb\n'], 100, [l('a'), l('b')]);
test('keeps an unfinished line until its newline', splits, ['ab', 'c\nd'], 100, [l('abc')]);
test('drops the CR of a CRLF line ending', splits, ['a\r\nb\r', '\n'], 100, [l('a'), l('b')]);
test('keeps a CR inside a line', splits, ['a\rb\n'], 100, [l('a\rb')]);
test('passes empty lines on (the caller skips them)', splits, ['\n\n'], 100, [l(''), l('')]);
test(
  'joins a UTF-8 character split across chunks',
  splits,
  [Buffer.from([0x22, 0xc3]), Buffer.from([0xa9, 0x22, 0x0a])],
  100,
  [l('"é"')],
);
test('accepts a line of exactly the limit', splits, ['12345\n'], 5, [l('12345')]);
test('reports a line one byte over the limit, then goes on', splits, ['123456\nok\n'], 5, [
  { type: 'too-large', bytes: 6 },
  l('ok'),
]);
test('reports an oversized line once however many chunks it spans', splits, ['1234', '5678', '9\nok\n'], 5, [
  { type: 'too-large', bytes: 8 },
  l('ok'),
]);
test('skips the rest of an oversized line that ends in a later chunk', splits, ['123456', '78', '\n', 'x\n'], 5, [
  { type: 'too-large', bytes: 6 },
  l('x'),
]);
