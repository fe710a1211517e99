import test from 'ava';
import { editKeyName, typedText } from '../../../src/client/ui/keys.ts';

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
