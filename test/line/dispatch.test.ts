// The key dispatch that the pty editor and the terminal client share: canonical keys in, what happened out.
import test from 'ava';
import { LineDispatch, type DispatchOptions, type Outcome } from '../../src/line/dispatch.ts';
import type { Key } from '../../src/line/keys.ts';

const text = (t: string): Key => ({ type: 'text', text: t });
const key = (name: string): Key => ({ type: 'key', name });

// A dispatch fed `keys` in turn; returns it and the outcome of each key.
function feed(keys: readonly Key[], opts: DispatchOptions = {}): { d: LineDispatch; outcomes: Outcome[] } {
  const d = new LineDispatch(opts);
  return { d, outcomes: keys.map((k) => d.key(k)) };
}

test('inserts typed text, with its echo when it lands at the end of the line', (t) => {
  const { d, outcomes } = feed([text('ls'), key('left'), text('x')]);
  t.deepEqual(outcomes[0], { type: 'changed', echo: 'ls' });
  t.deepEqual(outcomes[1], { type: 'changed', echo: '\x1b[1D' });
  t.deepEqual(outcomes[2], { type: 'changed' }, 'an insertion inside the line has no echo: redraw');
  t.is(d.text, 'lxs');
  t.deepEqual(d.line, { chars: ['l', 'x', 's'], cursor: 2 });
});

test('types a paste as text, its tabs as spaces and its controls dropped', (t) => {
  const { d } = feed([{ type: 'paste', text: 'a\tb\x07c' }]);
  t.is(d.text, 'a bc');
});

test('submits on Enter, remembers the line, and keeps it until clear()', (t) => {
  const { d, outcomes } = feed([text('date'), key('enter')]);
  t.deepEqual(outcomes[1], { type: 'submit', line: 'date' });
  t.deepEqual(d.history, ['date']);
  t.is(d.text, 'date');
  d.clear();
  t.is(d.text, '');
});

test('remembers a line typed with a leading space unless ignoreSpace is set', (t) => {
  t.deepEqual(feed([text(' secret'), key('enter')]).d.history, [' secret']);
  t.deepEqual(feed([text(' secret'), key('enter')], { ignoreSpace: true }).d.history, []);
});

test('reports Ctrl-C and leaves the line for the driver to clear', (t) => {
  const { d, outcomes } = feed([text('rm x'), key('ctrl-c')]);
  t.deepEqual(outcomes[1], { type: 'interrupt' });
  t.is(d.text, 'rm x');
});

test('Ctrl-D is EOF on an empty line and deletes under the cursor otherwise', (t) => {
  t.deepEqual(feed([key('ctrl-d')]).outcomes, [{ type: 'eof' }]);
  const { d } = feed([text('abc'), key('home'), key('ctrl-d')]);
  t.is(d.text, 'bc');
});

test('reports Ctrl-L as clear-screen, and ignores keys it does not know', (t) => {
  t.deepEqual(feed([key('ctrl-l'), key('ctrl-x'), key('other')]).outcomes, [
    { type: 'clear-screen' },
    { type: 'ignored' },
    { type: 'ignored' },
  ]);
});

test('recalls history with Up and Ctrl-P, back down with Down and Ctrl-N, from saved lines too', (t) => {
  const { d, outcomes } = feed([text('draft'), key('up'), key('ctrl-p'), key('up'), key('down'), key('ctrl-n')], {
    saved: ['ls', 'pwd'],
  });
  t.deepEqual(
    outcomes.slice(1).map((o) => o.type),
    ['changed', 'changed', 'ignored', 'changed', 'changed'],
  );
  t.deepEqual(d.line, { chars: Array.from('draft'), cursor: 5 });
});

test('rings the bell past maxLineBytes', (t) => {
  const { d, outcomes } = feed([text('abcdef')], { maxLineBytes: 4 });
  t.is(d.text, 'abcd');
  t.deepEqual(outcomes[0], { type: 'changed', echo: 'abcd', bell: true });
});

test('checks its options up front', (t) => {
  t.throws(() => new LineDispatch({ historySize: -1 }), {
    message: 'Expected the `historySize` option to be an integer >= 0, got -1.',
  });
  t.throws(() => new LineDispatch({ maxLineBytes: 0 }), { instanceOf: RangeError });
});

const complete = (): string[] => ['sessions', 'shutdown'];

test('completes with Tab and lists the candidates on a second Tab in a row only', (t) => {
  const { d, outcomes } = feed([text('s'), key('tab'), key('tab'), key('end'), key('tab')], { complete });
  t.deepEqual(outcomes[1], { type: 'changed', echo: '', bell: true });
  t.deepEqual(outcomes[2], { type: 'candidates', items: ['sessions', 'shutdown'] });
  t.deepEqual(outcomes[4], { type: 'changed', echo: '', bell: true }, 'a key between the Tabs starts over');
  t.is(d.text, 's');
});

test('gives the completer the code points and the cursor among them', (t) => {
  const seen: Array<[string, number]> = [];
  feed([text('😀 a'), key('tab')], { complete: (chars, cursor) => (seen.push([chars.join(''), cursor]), []) });
  t.deepEqual(seen, [['😀 a', 3]]);
});

test('keeps the cursor after a completed directory with openDirectories, else adds a space', (t) => {
  const paths = (): string[] => ['/srv/'];
  t.is(feed([text('ls /s'), key('tab')], { complete: paths }).d.text, 'ls /srv/ ');
  const open = feed([text('ls /s'), key('tab')], { complete: paths, openDirectories: true }).d;
  t.deepEqual(open.line, { chars: Array.from('ls /srv/'), cursor: 8 });
});

test('Ctrl-R searches the history: the prompt says so, Enter submits the match', (t) => {
  const { d, outcomes } = feed([key('ctrl-r'), text('ls')], { saved: ['ls -l', 'echo hi'] });
  t.is(d.searchPrompt, "(reverse-i-search)`ls': ");
  t.is(d.text, 'ls -l');
  t.deepEqual(outcomes, [{ type: 'changed' }, { type: 'changed' }]);
  t.deepEqual(d.key(key('enter')), { type: 'submit', line: 'ls -l' });
  t.is(d.searchPrompt, null);
});

test('Ctrl-G ends a search with the line it started from', (t) => {
  const { d } = feed([text('x'), key('ctrl-r'), text('da'), key('ctrl-g')], { saved: ['date'] });
  t.is(d.searchPrompt, null);
  t.is(d.text, 'x');
});

test('a key that ends a search does its usual work, without an echo (the prompt changed)', (t) => {
  const d = new LineDispatch({ saved: ['echo hello'] });
  d.key(key('ctrl-r'));
  d.key(text('hel'));
  t.deepEqual(d.key(key('right')), { type: 'changed' });
  t.deepEqual(d.line, { chars: Array.from('echo hello'), cursor: 6 });
  d.key(key('ctrl-r'));
  t.deepEqual(d.key(key('other')), { type: 'changed' }, 'a key that does nothing still ends the search');
  t.is(d.searchPrompt, null);
  d.key(key('ctrl-r'));
  t.deepEqual(d.key(key('ctrl-c')), { type: 'interrupt' });
});
