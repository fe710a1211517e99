import test from 'ava';
import {
  charWidth,
  commonPrefix,
  fitView,
  formatColumns,
  nextBoundary,
  prevBoundary,
  promptLayout,
  wordEnd,
  wordStart,
} from '../../src/line/text.ts';

const widthOf = test.macro({
  exec: (t, ch: string, expected: number) => t.is(charWidth(ch), expected),
  title: (title, ch: string, expected: number) => `${title ?? JSON.stringify(ch)} is ${expected} column(s) wide`,
});

test('a letter', widthOf, 'a', 1);
test('an accented letter', widthOf, 'é', 1);
test('a combining accent', widthOf, '\u0301', 0);
test('a zero-width joiner', widthOf, '\u200d', 0);
test('a CJK ideograph', widthOf, '中', 2);
test('a Hangul syllable', widthOf, '한', 2);
test('a fullwidth letter', widthOf, 'Ａ', 2);
test('an emoji', widthOf, '😀', 2);
test('a control character', widthOf, '\x01', 0);

const chars = Array.from('ae\u0301\u0302b');
test('steps back over a letter and its accents together', (t) => t.is(prevBoundary(chars, 4), 1));
test('steps forward over a letter and its accents together', (t) => t.is(nextBoundary(chars, 1), 4));
test('stops at the ends of the line', (t) => {
  t.is(prevBoundary(chars, 0), 0);
  t.is(nextBoundary(chars, 5), 5);
});

const words = Array.from('ls  -la /tmp ');
test('finds the start of the previous word over spaces', (t) => t.is(wordStart(words, 4), 0));
test('finds the start of the word the cursor is in', (t) => t.is(wordStart(words, 7), 4));
test('finds the end of the next word over spaces', (t) => t.is(wordEnd(words, 2), 7));

test('finds the common prefix of candidates', (t) => t.is(commonPrefix(['status', 'stats', 'stat']), 'stat'));
test('finds no common prefix of unrelated candidates', (t) => t.is(commonPrefix(['a', 'b']), ''));
test('does not split a character in a common prefix', (t) => t.is(commonPrefix(['x😀', 'x😁']), 'x'));

test('lays candidates out down then across', (t) => {
  t.deepEqual(formatColumns(['a', 'b', 'c', 'd', 'e'], 10), ['a  c  e', 'b  d']);
});

test('puts one candidate per row when they are wider than the terminal', (t) => {
  t.deepEqual(formatColumns(['a-long-name', 'b'], 8), ['a-long-name', 'b']);
});

const line = Array.from('0123456789abcdefghij');
const view = test.macro((t, cursor: number, scroll: number, expected: { scroll: number; end: number }) => {
  t.deepEqual(fitView(line, cursor, scroll, 10), expected);
});

test('shows a short line whole', view, 3, 0, { scroll: 0, end: 10 });
test('keeps the scroll while the cursor stays in view', view, 12, 5, { scroll: 5, end: 15 });
test('scrolls right just enough to give the cursor a cell', view, 15, 0, { scroll: 6, end: 16 });
test('scrolls left past the edge with some context', view, 4, 10, { scroll: 1, end: 11 });
test('does not leave room empty while text is hidden on the left', view, 20, 15, { scroll: 11, end: 20 });

test('leaves all but the last column after the prompt for the line', (t) => {
  t.deepEqual(promptLayout('$ ', 80), ['$ ', 77]);
});

test('cuts the start off a prompt that would leave under 10 columns', (t) => {
  t.deepEqual(promptLayout('alice@host$ ', 17), ['host$ ', 10]);
});
