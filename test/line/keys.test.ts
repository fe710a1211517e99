import test from 'ava';
import { KeyDecoder, TypeAhead, type Key } from '../../src/line/keys.ts';

const text = (t: string): Key => ({ type: 'text', text: t });
const paste = (t: string): Key => ({ type: 'paste', text: t });
const key = (name: string): Key => ({ type: 'key', name });

const decodes = test.macro({
  exec(t, chunks: Array<string | Buffer>, expected: Key[]) {
    const decoder = new KeyDecoder();
    t.deepEqual(
      chunks.flatMap((chunk) => decoder.push(chunk)),
      expected,
    );
  },
  title: (title) => `decodes ${title}`,
});

test('a run of printable characters as one text key', decodes, ['ls -l'], [text('ls -l')]);
test('text on both sides of a key', decodes, ['a\tb'], [text('a'), key('tab'), text('b')]);
test('CR, LF and CRLF as one Enter each', decodes, ['\r\n\r\n\n'], [key('enter'), key('enter'), key('enter')]);
test('CRLF split across chunks as one Enter', decodes, ['\r', '\n'], [key('enter')]);
test('DEL and BS as Backspace', decodes, ['\x7f\x08'], [key('backspace'), key('backspace')]);
test('control characters by their letter', decodes, ['\x01\x03\x17'], [key('ctrl-a'), key('ctrl-c'), key('ctrl-w')]);
test('arrows', decodes, ['\x1b[A\x1b[B\x1b[C\x1b[D'], [key('up'), key('down'), key('right'), key('left')]);
test('application-mode arrows', decodes, ['\x1bOA\x1bOD'], [key('up'), key('left')]);
test(
  'Home and End in their four spellings',
  decodes,
  ['\x1b[H\x1b[1~\x1b[7~\x1bOH\x1b[F\x1b[4~\x1b[8~\x1bOF'],
  [...Array<Key>(4).fill(key('home')), ...Array<Key>(4).fill(key('end'))],
);
test('Delete', decodes, ['\x1b[3~'], [key('delete')]);
test('Ctrl- and Alt-arrows as word moves', decodes, ['\x1b[1;5D\x1b[1;3C'], [key('word-left'), key('word-right')]);
test('Shift-arrows as plain arrows', decodes, ['\x1b[1;2D'], [key('left')]);
test('Alt-B and Alt-F as word moves', decodes, ['\x1bb\x1bf'], [key('word-left'), key('word-right')]);
test('a sequence split after every byte', decodes, ['\x1b', '[', '3', '~'], [key('delete')]);
test('nothing for unknown sequences', decodes, ['\x1b[15~\x1b[?1049h\x1bOP\x1b[<0;3;4m\x1bx\x1b[I'], []);
test('nothing for C1 controls', decodes, ['\u0085\u009b'], []);
test('a control key that breaks off a sequence', decodes, ['\x1b[1\x03'], [key('ctrl-c')]);
test('text that breaks off a sequence', decodes, ['\x1b[1é'], [text('é')]);
test('an over-long sequence as nothing', decodes, [`\x1b[${'9'.repeat(100)}~x`], [text('x')]);
test('UTF-8 split inside a character', decodes, [Buffer.from([0xe4, 0xb8]), Buffer.from([0xad])], [text('中')]);
test('a bracketed paste', decodes, ['\x1b[200~a b\x1b[201~'], [paste('a b')]);
test(
  'newlines in a paste as Enter',
  decodes,
  ['\x1b[200~a\r\nb\rc\nd\x1b[201~'],
  [paste('a'), key('enter'), paste('b'), key('enter'), paste('c'), key('enter'), paste('d')],
);
test('a paste in pieces as it arrives', decodes, ['\x1b[200~ab', 'cd\x1b[20', '1~'], [paste('ab'), paste('cd')]);
test('escape sequences inside a paste as text', decodes, ['\x1b[200~\x1b[A\x1b[201~'], [paste('\x1b[A')]);
test('Ctrl-C as the end of a paste', decodes, ['\x1b[200~ab\x03cd'], [paste('ab'), key('ctrl-c'), text('cd')]);

test('keeps type-ahead, and reports each Ctrl-C while dropping what came before it', (t) => {
  const typeAhead = new TypeAhead();
  t.is(typeAhead.add([text('rm'), key('enter')]), 0);
  t.is(typeAhead.add([key('ctrl-c'), text('ls'), key('ctrl-c'), text('pwd')]), 2);
  t.deepEqual(typeAhead.take(), [text('pwd')]);
  t.deepEqual(typeAhead.take(), []);
});

test('keeps a bounded amount of type-ahead', (t) => {
  const typeAhead = new TypeAhead();
  for (let i = 0; i < 100; i++) typeAhead.add([text('x'.repeat(1000))]);
  t.true(typeAhead.take().length <= 66);
});
