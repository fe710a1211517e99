// Options that take a value, read as getopt reads them: `-f x`, `-fx`, clusters (`-tvf x`, `-tvfx`), `--file=x`,
// `--file x`. The value is checked like an operand, so `sort -or`-style smuggling cannot pass.
import test from 'ava';
import type { CommandSpec, RoleSpec } from '../../src/config/types.ts';
import { decide, describeRule } from '../../src/shell/policy.ts';
import { fakeResolver } from './fake-resolver.ts';

const tar: CommandSpec = {
  name: 'tar',
  program: '/bin/tar',
  fixedArgs: [],
  args: 'rules',
  flags: ['-t', '-v'],
  valueFlags: new Map<string, 'path' | RegExp>([
    ['-f', 'path'],
    ['--file', 'path'],
    ['-b', /[0-9]{1,3}/],
  ]),
  paths: ['/srv'],
  patterns: [],
  maxArgs: 8,
  interactive: false,
};
const role: RoleSpec = { name: 'ops', commands: ['tar'], admin: false };
const commands = new Map([['tar', tar]]);
const fs = fakeResolver({ '/srv/evil': '/etc' });
const run = (...args: string[]) => decide({ user: 'u', role }, ['tar', ...args], commands, fs, '/srv');

const allows = test.macro({
  exec(t, args: string[], expected: string[]) {
    const d = run(...args);
    t.true(d.allow, d.allow ? '' : d.reason);
    if (d.allow) t.deepEqual(d.argv, expected);
  },
  title: (_t, args: string[]) => `allows tar ${args.join(' ')}`,
});
const denies = test.macro({
  exec(t, args: string[], reason: RegExp) {
    const d = run(...args);
    t.false(d.allow);
    if (!d.allow) t.regex(d.reason, reason);
  },
  title: (_t, args: string[]) => `denies tar ${args.join(' ')}`,
});

test(allows, ['-t', '-f', 'a.tar'], ['-t', '-f', '/srv/a.tar']);
test(allows, ['-tf', 'a.tar'], ['-t', '-f', '/srv/a.tar']);
test(allows, ['-tvfa.tar'], ['-tv', '-f', '/srv/a.tar']);
test(allows, ['-fa.tar'], ['-f', '/srv/a.tar']);
test(allows, ['--file=a.tar', '-v'], ['--file=/srv/a.tar', '-v']);
test(allows, ['--file', 'a.tar'], ['--file', '/srv/a.tar']);
test(allows, ['-b', '20', '-tf', 'x.tar'], ['-b', '20', '-t', '-f', '/srv/x.tar']);
test(denies, ['-tvf', '/etc/shadow'], /path '\/etc\/shadow' is outside/);
test(denies, ['-tf/etc/shadow'], /outside/);
test(denies, ['--file=/srv/../etc/passwd'], /outside/);
test(denies, ['-f', 'evil/passwd'], /outside/);
test(denies, ['-t', '-f'], /option '-f' of 'tar' needs a value/);
test(denies, ['-b', '1e9'], /value '1e9' of option '-b' is not permitted/);
test(denies, ['-tx'], /option '-tx' is not permitted/);
test(denies, ['--fil=a.tar'], /option '--fil=a.tar' is not permitted/);
test(denies, ['--to-command=sh'], /not permitted/);
// A value that looks like an option is a file name to getopt; it reaches tar as a canonical path, never as an option.
test(allows, ['-f', '--checkpoint-action=exec=sh'], ['-f', '/srv/--checkpoint-action=exec=sh']);

test('the rule describes value options', (t) => {
  t.is(describeRule(tar), 'options -t -v -f PATH --file PATH -b /[0-9]{1,3}/; paths under /srv; at most 8 arguments');
});
