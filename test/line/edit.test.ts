import test from 'ava';
import { completeWord, editKey, insertText, pastedText, type Line } from '../../src/line/edit.ts';

const at = (text: string, cursor = Array.from(text).length): Line => ({ chars: Array.from(text), cursor });
const shown = (line: Line): [string, number] => [line.chars.join(''), line.cursor];

test('echoes text inserted at the end of the line', (t) => {
  t.deepEqual(insertText(at('ab'), 'c', 100), { chars: ['a', 'b', 'c'], cursor: 3, bell: false, echo: 'c' });
});

test('asks for a redraw when text is inserted in the middle', (t) => {
  const edit = insertText(at('ac', 1), 'b', 100);
  t.deepEqual(shown(edit), ['abc', 2]);
  t.is(edit.echo, undefined);
});

test('stops inserting at maxBytes without splitting a character', (t) => {
  const edit = insertText(at('a'), 'bé', 3);
  t.deepEqual(shown(edit), ['ab', 2]);
  t.true(edit.bell);
});

test('moves the cursor by the columns of a wide character', (t) => {
  t.is(editKey(at('a中'), 'left')?.echo, '\x1b[2D');
});

test('leaves unknown keys to the caller', (t) => {
  t.is(editKey(at('a'), 'ctrl-z'), undefined);
});

test('turns a pasted tab into a space and drops other controls', (t) => {
  t.is(pastedText('a\tb\x1b[1mc\x7f\u0085'), 'a b[1mc');
});

const completes = test.macro(
  (t, line: Line, candidates: string[], again: boolean, expected: [string, number], list?: string[]) => {
    const result = completeWord(line, candidates, again, 100);
    t.deepEqual(shown(result.edit), expected);
    t.deepEqual(result.list, list);
  },
);

test('completes one candidate with a space', completes, at('ls /u'), ['/usr'], false, ['ls /usr ', 8]);
test('completes the shared part of several', completes, at('s'), ['stat', 'status'], false, ['stat', 4]);
test('lists several on a second Tab', completes, at('sta'), ['stat', 'sta'], true, ['sta', 3], ['sta', 'stat']);
test('lists each candidate once, sorted', completes, at(''), ['b', 'a', 'b'], true, ['', 0], ['a', 'b']);
test('completes an empty word', completes, at('ls '), ['uptime'], false, ['ls uptime ', 10]);
test('ignores candidates that do not start with the word', completes, at('up'), ['down', 'upper'], false, [
  'upper ',
  6,
]);
test('rings the bell when nothing completes', (t) => {
  t.true(completeWord(at('x'), [], false, 100).edit.bell);
  t.true(completeWord(at('s'), ['sa', 'sb'], false, 100).edit.bell);
});
