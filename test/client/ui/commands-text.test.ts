import test from 'ava';
import { helpLines, panelLines, welcomeLines, wrap } from '../../../src/client/ui/commands-text.ts';
import type { CommandInfo } from '../../../src/protocol/frames.ts';

const plain = { colour: false, unicode: false };
const ls: CommandInfo = {
  name: 'ls',
  args: 'rules',
  flags: ['-l'],
  paths: ['/srv'],
  patterns: [],
  maxArgs: 8,
  interactive: false,
  rule: 'options -l; paths under /srv; at most 8 arguments',
};

test('wraps at spaces, cutting words longer than the width', (t) => {
  t.deepEqual(wrap('options -l; paths under /srv', 12), ['options -l;', 'paths under', '/srv']);
  t.deepEqual(wrap('abcdefghij', 4), ['abcd', 'efgh', 'ij']);
});

test('the panel shows each command with its rule indented under it', (t) => {
  t.deepEqual(panelLines([ls], 24, plain), [
    '{bold}ls{/bold}',
    '  options -l; paths',
    '  under /srv; at most 8',
    '  arguments',
  ]);
});

test('the panel says so when nothing is allowed', (t) => {
  t.deepEqual(panelLines([], 24, plain), ['no commands are allowed for this user']);
});

test('help lists the commands, then the client commands, the admin ones for admins', (t) => {
  const lines = helpLines([ls], true, plain);
  t.is(lines[1], '  {bold}ls      {/bold}  options -l; paths under /srv; at most 8 arguments');
  t.regex(lines[2]!, /sessions \(F2\), kill SESSION, shutdown/);
  t.notRegex(helpLines([ls], false, plain)[2]!, /sessions/);
});

test('the welcome says where, as whom and how to start', (t) => {
  const hello = { server: 'keyhole/0.1.0', user: 'boss', role: 'admin', admin: true, session: 's4' };
  t.deepEqual(welcomeLines(hello, 'boss@h:2222', plain), [
    'Connected to keyhole/0.1.0 at boss@h:2222 as boss (role admin, admin), session s4.',
    'Type help (or press F1) for the commands you may run. Tab completes, Ctrl-D quits.',
  ]);
});
