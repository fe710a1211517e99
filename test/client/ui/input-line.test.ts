// The client's input line on the shared key dispatch, with the client's own choices: a submitted line empties the
// input, a leading space keeps a line out of history, Ctrl-C leaves the line to the app, directories stay open.
import test from 'ava';
import { InputLine, type Candidates } from '../../../src/client/ui/input-line.ts';
import type { KeyEvent } from '../../../src/client/ui/keys.ts';

type Box = ConstructorParameters<typeof InputLine>[0];

// An input line in a fake box `width` columns wide that keeps what was drawn.
function input(candidates: Candidates = () => [], saved: string[] = [], width = 40) {
  const box = { width, content: '', setContent: (text: string) => void (box.content = text) };
  const line = new InputLine(box as unknown as Box, { colour: false, unicode: false }, candidates, saved);
  line.prompt = '$ ';
  // Types each item: a blessed key name ('enter', 'C-r', ...) or, in quotes, text one character at a time.
  const type = (...keys: string[]) =>
    keys.flatMap((k) =>
      k.startsWith("'")
        ? Array.from(k.slice(1, -1)).map((ch) => line.handleKey(ch, { full: ch }))
        : [line.handleKey(undefined, keyEvent(k))],
    );
  return { box, line, type };
}

const keyEvent = (full: string): KeyEvent => ({ full, ctrl: full.startsWith('C-'), meta: full.startsWith('M-') });

test('submits on Enter and empties the input at once', (t) => {
  const { line, type } = input();
  t.like(type("'ls -l'", 'enter').at(-1), { type: 'submit', line: 'ls -l' });
  t.is(line.text, '');
  t.deepEqual(line.history, ['ls -l']);
});

test('keeps a line typed with a leading space out of history', (t) => {
  const { line, type } = input();
  type("' secret'", 'linefeed');
  t.deepEqual(line.history, []);
});

test('reports Ctrl-C and keeps the line until the app clears it', (t) => {
  const { line, type } = input();
  t.like(type("'sleep'", 'C-c').at(-1), { type: 'interrupt' });
  t.is(line.text, 'sleep');
  line.clear();
  t.is(line.text, '');
});

test('recalls saved history with Up, and reports Ctrl-D on an empty line as EOF', (t) => {
  const { line, type } = input(() => [], ['uptime']);
  type('up');
  t.is(line.text, 'uptime');
  type('C-u');
  t.like(type('C-d').at(-1), { type: 'eof' });
});

test('keeps the cursor right after a completed directory', (t) => {
  const { line, type, box } = input(() => ['/srv/']);
  type("'ls /s'", 'tab');
  t.is(line.text, 'ls /srv/');
  t.is(line.render(), 10);
  t.is(box.content, '$ ls /srv/');
});

test('lists the candidates on a second Tab', (t) => {
  const { type } = input(() => ['sessions', 'shutdown']);
  t.like(type("'s'", 'tab', 'tab').at(-1), { type: 'candidates', items: ['sessions', 'shutdown'] });
});

test('searches with Ctrl-R; blessed\'s "return" after "enter" does nothing more', (t) => {
  const { line, type, box } = input(() => [], ['echo hello', 'date']);
  type('C-r', "'hel'");
  t.true(line.searching);
  line.render();
  t.is(box.content, "(reverse-i-search)`hel': echo hello");
  const outcomes = type('enter', 'return');
  t.like(outcomes[0], { type: 'submit', line: 'echo hello' });
  t.like(outcomes[1], { type: 'ignored' });
  t.false(line.searching);
});

test('a key with no use ends a search, keeping the match', (t) => {
  const { line, type } = input(() => [], ['echo hello']);
  type('C-r', "'hel'", 'f5');
  t.false(line.searching);
  t.is(line.text, 'echo hello');
});
