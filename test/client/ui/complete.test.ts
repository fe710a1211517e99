import test from 'ava';
import { candidatesAt, ownWords } from '../../../src/client/ui/complete.ts';
import type { CommandInfo } from '../../../src/protocol/frames.ts';
import { completeWord } from '../../../src/line/edit.ts';

const command = (name: string, more: Partial<CommandInfo> = {}): CommandInfo => ({
  name,
  args: 'rules',
  flags: [],
  paths: [],
  patterns: [],
  maxArgs: 8,
  interactive: false,
  rule: '',
  ...more,
});
const commands = [
  command('echo', { args: 'any' }),
  command('ls', { flags: ['-l', '-a', '-la'], paths: ['/srv'] }),
  command('date', { args: 'none' }),
  command('sleep', { patterns: ['[0-9]+'], maxArgs: 1 }),
];
const at = (line: string, admin = false) => candidatesAt(Array.from(line), Array.from(line).length, commands, admin);

// What Tab does to `line` (cursor at its end), through the shell's own completion.
const completes = test.macro({
  exec(t, line: string, expected: string) {
    const chars = Array.from(line);
    const { edit } = completeWord({ chars, cursor: chars.length }, at(line), false, 8192);
    t.is(edit.chars.join(''), expected);
  },
  title: (_title, line: string, expected: string) => `Tab turns '${line}' into '${expected}'`,
});
test(completes, 'ech', 'echo ');
test(completes, 'd', 'date ');
test(completes, 'ls -', 'ls -');
test(completes, 'ls -la', 'ls -la ');
test(completes, 'ls /s', 'ls /srv/ ');
test(completes, 'zz', 'zz');

test('offers the commands and the client words for the first word', (t) => {
  t.deepEqual(at(''), ['echo', 'ls', 'date', 'sleep', ...ownWords(false)]);
});

test('offers every client word a user may type, whoami and logout too', (t) => {
  for (const word of ['help', 'whoami', 'clear', 'exit', 'logout', ':help', ':commands', ':quit']) {
    t.true(at('').includes(word), word);
  }
});

test('does not offer the old names, abbreviations, nor admin (which the client only refuses)', (t) => {
  for (const word of ['show_clients', 'shutdown_server', ':q', 'admin']) t.false(at('', true).includes(word), word);
});

test(completes, 'who', 'whoami ');
test(completes, 'logo', 'logout ');

test('offers the session commands to admins only', (t) => {
  t.false(at('').includes('sessions'));
  t.true(at('', true).includes('sessions'));
});

test('offers a command its permitted options and path roots', (t) => {
  t.deepEqual(at('ls '), ['-l', '-a', '-la', '/srv/']);
});

test('does not offer an option twice, nor options after an operand', (t) => {
  t.deepEqual(at('ls -l '), ['-a', '-la', '/srv/']);
  t.deepEqual(at('ls /srv/x '), ['/srv/']);
});

test('offers nothing for commands without rules or past their maximum', (t) => {
  t.deepEqual(at('echo '), []);
  t.deepEqual(at('date '), []);
  t.deepEqual(at('sleep 5 '), []);
  t.deepEqual(at('nope '), []);
});

test('reads earlier words with the server tokenizer: a quoted argument is one word', (t) => {
  t.deepEqual(at("ls '-l' "), ['-a', '-la', '/srv/']);
});

test('offers nothing inside quotes, or after a line the tokenizer refuses', (t) => {
  t.deepEqual(at("ls '-"), []);
  t.deepEqual(at('ls ; '), []);
});
