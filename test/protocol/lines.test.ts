// LineSplitter: a byte stream cut into lines of bounded size, an oversized line reported once and skipped.
import test from 'ava';
import { LineSplitter, type LineEvent } from '../../src/protocol/lines.ts';

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
