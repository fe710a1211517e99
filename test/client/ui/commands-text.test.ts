import test from 'ava';
import { helpLines, panelLabel, panelLines, welcomeLines, wrap } from '../../../src/client/ui/commands-text.ts';
import { panelWidth } from '../../../src/client/ui/layout.ts';
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

test('a wide panel is a table: each rule beside its name, wrapped under the rule column', (t) => {
  const date = { ...ls, name: 'date', rule: 'no arguments' };
  t.deepEqual(panelLines([date, ls], 60, plain), [
    '{bold}date{/bold}  no arguments',
    '{bold}ls{/bold}    options -l; paths under /srv; at most 8 arguments',
  ]);
  t.deepEqual(panelLines([ls], 60, plain).length, 1);
  const long = { ...ls, name: 'x'.repeat(30) };
  t.true(
    panelLines([ls, long], 60, plain).includes(`{bold}${'x'.repeat(30)}{/bold}`),
    'a long name has a line of its own',
  );
});

test('the panel is 34 columns up to 85, then 40% of the screen up to 100, and leaves the output room', (t) => {
  t.is(panelWidth(80), 34);
  t.is(panelWidth(100), 40);
  t.is(panelWidth(200), 80);
  t.is(panelWidth(300), 100);
  t.is(panelWidth(40), 20);
});

test('the panel label says which lines show when not all fit, as long as it fits', (t) => {
  t.is(panelLabel({ first: 1, last: 10, total: 10 }, 30), ' Commands (F1) ');
  t.is(panelLabel({ first: 1, last: 20, total: 24 }, 60), ' Commands (F1) 1-20 of 24, PgUp/PgDn ');
  t.is(panelLabel({ first: 5, last: 24, total: 24 }, 30), ' Commands (F1) 5-24 of 24 ');
  t.is(panelLabel({ first: 101, last: 120, total: 250 }, 25), ' Commands 101-120 of 250 ');
});

test('help lists admin to a login that may elevate', (t) => {
  t.regex(helpLines([ls], false, plain, true)[2]!, /\badmin\b/);
  t.notRegex(helpLines([ls], false, plain)[2]!, /admin/);
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
