import test from 'ava';
import { History } from '../../src/line/history.ts';

const browse = (history: History, draft: string, steps: Array<-1 | 1>): string | undefined => {
  let shown: readonly string[] | undefined = Array.from(draft);
  for (const step of steps) shown = history.step(shown ?? [], step) ?? shown;
  return shown?.join('');
};

test('remembers lines oldest first, skipping blanks and repeats', (t) => {
  const history = new History(10);
  for (const line of ['a', 'a', '', ' ', 'b', 'a']) history.add(line);
  t.deepEqual(history.lines, ['a', 'b', 'a']);
});

test('remembers nothing with a size of 0', (t) => {
  const history = new History(0);
  history.add('a');
  t.deepEqual(history.lines, []);
});

test('steps back and forth, returning to the draft', (t) => {
  const history = new History(10);
  history.add('one');
  history.add('two');
  t.is(browse(history, 'dr', [-1, -1, -1]), 'one');
  t.is(browse(history, 'x', [1, 1]), 'dr');
});

test('says when there is nothing further', (t) => {
  const history = new History(10);
  history.add('one');
  t.is(history.step([], 1), undefined);
  t.deepEqual(history.step([], -1), ['o', 'n', 'e']);
  t.is(history.step([], -1), undefined);
});

test('starts from the newest line again after a rewind', (t) => {
  const history = new History(10);
  history.add('one');
  history.add('two');
  history.step([], -1);
  history.step([], -1);
  history.rewind();
  t.deepEqual(history.step([], -1), ['t', 'w', 'o']);
});
