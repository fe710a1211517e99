// keyhole-v1 encoding, for both ends: one line per frame, and what one end encodes the other end's codec reads back.
import test from 'ava';
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { parseClientFrame } from '../../src/protocol/client-frames.ts';
import { encodeFrame, type ClientFrame, type ServerFrame } from '../../src/protocol/frames.ts';
import { parseServerFrame } from '../../src/protocol/server-frames.ts';

test('encodeFrame writes one line, whatever the frame holds', (t) => {
  const text = encodeFrame({ type: 'error', id: 'a', code: 'denied', message: 'two\nlines\u2028here' });
  t.true(text.endsWith('\n'));
  t.is(text.indexOf('\n'), text.length - 1);
  t.deepEqual(parseClientFrame(text.trim()).ok, false, 'a server frame is not a client frame');
  t.is((JSON.parse(text) as { message: string }).message, 'two\nlines\u2028here');
});

const roundTrips = test.macro({
  exec(t, frame: ClientFrame | ServerFrame, end: 'client' | 'server') {
    const line = encodeFrame(frame).trimEnd();
    t.deepEqual(end === 'client' ? parseClientFrame(line) : parseServerFrame(line), { ok: true, frame });
  },
  title: (title, frame: ClientFrame | ServerFrame, end) =>
    `a ${end}'s ${frame.type} frame ${title ?? 'reads back as sent'}`,
});

test(
  'with its stdin bytes sent as base64',
  roundTrips,
  {
    type: 'run',
    id: 'r1',
    argv: ['cat-in'],
    stdin: Buffer.from([0, 255, 10]),
    timeoutMs: 500,
    env: { LANG: 'C' },
  },
  'client',
);
test(roundTrips, { type: 'hello', client: 'ci', versions: [1] }, 'client');
test(roundTrips, { type: 'kill', id: 'q', session: 's4' }, 'client');
test(roundTrips, { type: 'started', id: 'r1', run: 'r4' }, 'server');
test(roundTrips, { type: 'error', id: 'r2', code: 'unknown_command', message: "'help' is a shell builtin" }, 'server');

test('the wire form of a run is what docs/PROTOCOL.md shows', (t) => {
  const line = encodeFrame({ type: 'run', id: '4', argv: ['cat-in'], stdin: Buffer.from('hi\n') });
  t.is(line, '{"type":"run","id":"4","argv":["cat-in"],"stdin":"aGkK"}\n');
  t.is(
    encodeFrame({ type: 'run', id: 'a', argv: ['echo'], stdin: undefined }),
    '{"type":"run","id":"a","argv":["echo"]}\n',
  );
});

const numRuns = Number(process.env.FC_NUM_RUNS ?? 300);
const id = fc.string({ minLength: 1, maxLength: 64 });
const run: fc.Arbitrary<ClientFrame> = fc.record(
  {
    type: fc.constant('run' as const),
    id,
    argv: fc.array(fc.string(), { minLength: 1, maxLength: 8 }),
    stdin: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
    timeoutMs: fc.integer({ min: 1, max: 2_147_483_647 }),
    env: fc.dictionary(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/), fc.string(), {
      maxKeys: 4,
      noNullPrototype: true,
    }),
  },
  { requiredKeys: ['type', 'id', 'argv'], noNullPrototype: true },
);
const exit: fc.Arbitrary<ServerFrame> = fc.record(
  {
    type: fc.constant('exit' as const),
    id,
    code: fc.integer({ min: 0, max: 255 }),
    signal: fc.option(fc.constantFrom('SIGTERM', 'SIGKILL'), { nil: null }),
    durationMs: fc.nat(),
    truncated: fc.boolean(),
    timedOut: fc.boolean(),
    canceled: fc.boolean(),
    message: fc.string(),
  },
  {
    requiredKeys: ['type', 'id', 'code', 'signal', 'durationMs', 'truncated', 'timedOut', 'canceled'],
    noNullPrototype: true,
  },
);

test('any run a client encodes, the server reads back exactly', (t) => {
  fc.assert(
    fc.property(run, (frame) => {
      const want = { stdin: undefined, timeoutMs: undefined, env: undefined, ...frame };
      return isDeepStrictEqual(parseClientFrame(encodeFrame(frame).trimEnd()), { ok: true, frame: want });
    }),
    { numRuns },
  );
  t.pass();
});

test('any exit the server encodes, the client reads back exactly', (t) => {
  fc.assert(
    fc.property(exit, (frame) =>
      isDeepStrictEqual(parseServerFrame(encodeFrame(frame).trimEnd()), { ok: true, frame }),
    ),
    { numRuns },
  );
  t.pass();
});
