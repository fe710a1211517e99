import test from 'ava';
import { editKeyName, lineKey, OTHER_KEY, typedText } from '../../../src/client/ui/keys.ts';

const names = test.macro({
  exec: (t, full: string, expected: string | undefined) => t.is(editKeyName({ full }), expected),
  title: (_title, full: string, expected: string | undefined) => `${full} edits as ${expected ?? 'nothing'}`,
});
test(names, 'C-a', 'ctrl-a');
test(names, 'C-w', 'ctrl-w');
test(names, 'M-b', 'word-left');
test(names, 'C-right', 'word-right');
test(names, 'backspace', 'backspace');
test(names, 'f5', undefined);

test('printable keys type themselves; controls and Alt-keys type nothing', (t) => {
  t.is(typedText('a', { full: 'a' }), 'a');
  t.is(typedText('é', { full: 'é' }), 'é');
  t.is(typedText('\x01', { full: 'C-a', ctrl: true }), undefined);
  t.is(typedText('x', { full: 'M-x', meta: true }), undefined);
  t.is(typedText(undefined, { full: 'up' }), undefined);
});

test('blessed keys become the canonical keys of the line dispatch', (t) => {
  t.deepEqual(lineKey('\r', { full: 'enter' }), { type: 'key', name: 'enter' });
  t.deepEqual(lineKey('\n', { full: 'linefeed' }), { type: 'key', name: 'enter' });
  t.deepEqual(lineKey('\x03', { full: 'C-c', ctrl: true }), { type: 'key', name: 'ctrl-c' });
  t.deepEqual(lineKey(undefined, { full: 'up' }), { type: 'key', name: 'up' });
  t.deepEqual(lineKey('\x01', { full: 'C-a', ctrl: true }), { type: 'key', name: 'ctrl-a' });
  t.deepEqual(lineKey('é', { full: 'é' }), { type: 'text', text: 'é' });
});

test('a key the dispatch has no name for comes as OTHER_KEY; Ctrl-L is left to the app', (t) => {
  t.is(lineKey(undefined, { full: 'f5' }), OTHER_KEY);
  t.is(lineKey('\r', { full: 'return' }), OTHER_KEY);
  t.is(lineKey('\x0c', { full: 'C-l', ctrl: true }), OTHER_KEY);
});
