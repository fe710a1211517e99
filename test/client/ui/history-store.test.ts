import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { appendHistory, historyFile, loadHistory } from '../../../src/client/ui/history-store.ts';

const target = { user: 'deploy', host: 'example.org', port: 2222 };
const root = mkdtempSync(path.join(tmpdir(), 'keyhole-history-'));
const temp = () => mkdtempSync(path.join(root, 'h-'));
test.after.always(() => rmSync(root, { recursive: true, force: true }));

test('keeps one file per user@host:port under XDG_STATE_HOME', (t) => {
  t.is(historyFile(target, { XDG_STATE_HOME: '/state' }, '/home/u'), '/state/keyhole/history/deploy@example.org:2222');
});

test('falls back to ~/.local/state, also when XDG_STATE_HOME is relative', (t) => {
  const expected = '/home/u/.local/state/keyhole/history/deploy@example.org:2222';
  t.is(historyFile(target, {}, '/home/u'), expected);
  t.is(historyFile(target, { XDG_STATE_HOME: 'state' }, '/home/u'), expected);
});

test('never lets a name climb out of the directory', (t) => {
  const file = historyFile({ user: '../..', host: 'a/b', port: 1 }, { XDG_STATE_HOME: '/s' }, '/h');
  t.is(path.dirname(file), '/s/keyhole/history');
});

test('reads nothing when there is no file yet', (t) => {
  t.deepEqual(loadHistory(path.join(temp(), 'none')), []);
});

test('appends entries, creating the directories, private to the user', (t) => {
  const file = path.join(temp(), 'a', 'b', 'h');
  appendHistory(file, 'echo one');
  appendHistory(file, 'ls -l');
  t.deepEqual(loadHistory(file), ['echo one', 'ls -l']);
  t.is(statSync(file).mode & 0o777, 0o600);
  t.is(statSync(path.dirname(file)).mode & 0o777, 0o700);
});

test('keeps out lines that start with a space, and blank lines', (t) => {
  const file = path.join(temp(), 'h');
  appendHistory(file, ' echo secret');
  appendHistory(file, '   ');
  appendHistory(file, 'date');
  t.deepEqual(loadHistory(file), ['date']);
});

test('loads the newest entries only, and cuts a file that grew to twice the bound', (t) => {
  const file = path.join(temp(), 'h');
  writeFileSync(file, Array.from({ length: 25 }, (_, i) => `echo ${i}\n`).join(''));
  t.deepEqual(
    loadHistory(file, 10),
    Array.from({ length: 10 }, (_, i) => `echo ${i + 15}`),
  );
  t.is(readFileSync(file, 'utf8').split('\n').filter(Boolean).length, 10);
});

test('says why it cannot save', (t) => {
  const dir = temp();
  writeFileSync(path.join(dir, 'file'), '');
  const saved = appendHistory(path.join(dir, 'file', 'h'), 'date');
  t.false(saved.ok);
  if (!saved.ok) t.regex(saved.reason, /^cannot save history to .*: E[A-Z]+$/);
});
