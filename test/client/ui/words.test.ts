// The client's one table of words: every server builtin is in it, and each spelling means one thing.
import test from 'ava';
import { BUILTINS, wordsOf } from '../../../src/line/builtins.ts';
import { clientWord, isColon, visibleWords, WORDS } from '../../../src/client/ui/words.ts';

test('answers for every builtin of the server shell, under every one of its words', (t) => {
  for (const b of BUILTINS) {
    for (const spelling of wordsOf(b)) t.is(clientWord(spelling)?.builtin, b, spelling);
  }
});

test('takes the admin rule of a builtin from the server table', (t) => {
  for (const w of WORDS.filter((w) => w.builtin)) t.is(w.adminOnly, w.builtin!.adminOnly, w.word);
});

test('gives each spelling one meaning', (t) => {
  const spellings = WORDS.flatMap((w) => [w.word, ...w.aliases, ...w.quiet]);
  t.is(new Set(spellings).size, spellings.length);
});

test('keeps the colon commands to the client: none of them is a builtin', (t) => {
  t.deepEqual(
    WORDS.filter(isColon).map((w) => w.word),
    [':help', ':commands', ':sessions', ':clear', ':reconnect', ':quit'],
  );
  t.true(WORDS.filter(isColon).every((w) => w.builtin === undefined));
});

test('shows admin (elevation) only to a login that may elevate and is no admin yet', (t) => {
  t.false(visibleWords(false).some((w) => w.word === 'admin'));
  t.true(visibleWords(false, true).some((w) => w.word === 'admin'));
  t.false(visibleWords(true, true).some((w) => w.word === 'admin'));
});

test('shows the admin words to admins only', (t) => {
  t.false(visibleWords(false).some((w) => w.word === 'kill'));
  t.true(visibleWords(true).some((w) => w.word === 'kill'));
});
