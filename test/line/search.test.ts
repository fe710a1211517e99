// Ctrl-R: the pure search over the history, and the pty editor driving it as readline does in bash.
import test from 'ava';
import {
  NEW_SEARCH,
  searchBackspace,
  searchCursor,
  searchOlder,
  searchPrompt,
  searchResult,
  searchType,
} from '../../src/line/search.ts';
import { RIGHT, setup, showsLine } from './helpers.ts';

const HISTORY = ['ls -l /tmp', 'echo hello', 'ls /srv', 'date'];

test('typing finds the newest line that contains the query, Ctrl-R older ones', (t) => {
  let s = searchType(HISTORY, NEW_SEARCH, 'l');
  t.like(s, { query: 'l', match: 2, failed: false });
  s = searchType(HISTORY, s, 's');
  t.like(s, { query: 'ls', match: 2 }, 'the match stays while it still contains the query');
  s = searchOlder(HISTORY, s);
  t.like(s, { query: 'ls', match: 0 });
  s = searchOlder(HISTORY, s);
  t.like(s, { query: 'ls', match: 0, failed: true }, 'nothing older: failed, the last match still shown');
  t.is(searchPrompt(s), "(failed reverse-i-search)`ls': ");
});

test('Backspace widens the query and searches again from the newest line', (t) => {
  let s = searchType(HISTORY, NEW_SEARCH, 'ls -');
  t.like(s, { match: 0 });
  s = searchBackspace(HISTORY, searchBackspace(HISTORY, s));
  t.like(s, { query: 'ls', match: 2, failed: false });
  t.deepEqual(searchBackspace(HISTORY, searchBackspace(HISTORY, s)), NEW_SEARCH);
  t.is(searchPrompt(NEW_SEARCH), "(reverse-i-search)`': ");
});

test('without a match the original line is shown; the cursor sits at the start of the match', (t) => {
  const original = Array.from('abc');
  t.deepEqual(searchResult(HISTORY, NEW_SEARCH, original), original);
  const s = searchType(HISTORY, NEW_SEARCH, 'hel');
  const shown = searchResult(HISTORY, s, original);
  t.is(shown.join(''), 'echo hello');
  t.is(searchCursor(HISTORY, s, shown), 5);
  t.like(searchType(HISTORY, NEW_SEARCH, 'zzz'), { match: null, failed: true });
  t.like(searchType([], NEW_SEARCH, 'a'), { match: null, failed: true });
});

test('works in characters, not UTF-16 units', (t) => {
  const history = ['echo 😀 smile'];
  const s = searchType(history, NEW_SEARCH, 'smile');
  const shown = searchResult(history, s, []);
  t.is(searchCursor(history, s, shown), 7);
  t.is(searchBackspace(history, searchType(history, NEW_SEARCH, 'a😀')).query, 'a');
});

const typed = (...chunks: string[]) => {
  const s = setup();
  s.type(...HISTORY.map((line) => `${line}\r`));
  s.type(...chunks);
  return s;
};

test('in the shell, Ctrl-R then text then Enter runs the newest matching line', (t) => {
  t.is(typed('\x12ls\r').lines().at(-1), 'ls /srv');
  t.is(typed('\x12ls\x12\r').lines().at(-1), 'ls -l /tmp');
});

test('the prompt says what is searched for, and the cursor is at the match', (t) => {
  const s = typed('\x12hel');
  showsLine(t, s, "(reverse-i-search)`hel': ");
  t.is(s.editor.state.line, 'echo hello');
  t.is(s.editor.state.cursor, 5);
  s.type('zz');
  showsLine(t, s, "(failed reverse-i-search)`helzz': ");
});

test('Ctrl-G gives back the line the search started from, with the normal prompt', (t) => {
  const s = typed('abc\x12ec\x07');
  showsLine(t, s);
  t.is(s.editor.state.line, 'abc');
  s.type('\r');
  t.is(s.lines().at(-1), 'abc');
});

test('another key keeps the match to edit it, and then does its usual work', (t) => {
  const s = typed(`\x12hel${RIGHT}!`);
  showsLine(t, s);
  t.is(s.editor.state.line, 'echo h!ello');
});

test('Ctrl-C during a search drops the line, as it does outside one', (t) => {
  const s = typed('\x12date\x03');
  t.like(s.events.at(-1), { type: 'interrupt' });
  showsLine(t, s);
  t.is(s.editor.state.line, '');
  s.type('\x12date\r');
  t.is(s.lines().at(-1), 'date', 'and the next search works');
});

test('Ctrl-R with nothing typed and no history shows the empty search, Enter runs the empty line', (t) => {
  const s = setup();
  s.type('\x12');
  showsLine(t, s, "(reverse-i-search)`': ");
  s.type('\r');
  t.deepEqual(s.lines(), ['']);
});
