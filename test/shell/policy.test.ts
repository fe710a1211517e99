import test from 'ava';
import type { CommandSpec, RoleSpec } from '../../src/config/types.ts';
import { allowedCommands, decide, describeRule, type PathResolver, type Principal } from '../../src/shell/policy.ts';
import { tokenize } from '../../src/line/tokenize.ts';
import { commandSpec, fakeResolver } from './fake-resolver.ts';

const command = (name: string, rule: Partial<CommandSpec> = {}) => commandSpec(name, { maxArgs: 8, ...rule });

const specs = [
  command('date', { args: 'none' }),
  command('echo', { program: '/bin/echo' }),
  command('ls', {
    args: 'rules',
    flags: ['-l', '-a', '-h', '--color=never', '--all'],
    paths: ['/srv', '/home/shared'],
  }),
  command('cat', { args: 'rules', paths: ['/srv'] }),
  command('disk', { program: '/bin/df', fixedArgs: ['-h'], args: 'rules', flags: ['-T'] }),
  command('svc', {
    program: '/bin/systemctl',
    args: 'rules',
    flags: ['--no-pager'],
    patterns: [/status/, /nginx|ssh/g],
  }),
  command('browse', { args: 'rules', paths: ['/'] }),
  command('reboot', { args: 'none' }),
];
const commands = new Map(specs.map((spec) => [spec.name, spec]));
const role: RoleSpec = {
  name: 'ops',
  commands: ['date', 'echo', 'ls', 'cat', 'disk', 'svc', 'browse', 'ghost'],
  admin: false,
};
const alice: Principal = { user: 'alice', role };
const fs = fakeResolver({ '/srv/sub/etc': '/etc', '/srv/up': '..', '/srv/inner': 'sub' });
const cwd = '/srv';

// Runs a line the way the shell does: tokenize, then decide.
function run(line: string, resolver: PathResolver = fs) {
  const tokens = tokenize(line);
  if (!tokens.ok) throw new Error(`tokenize refused ${line}: ${tokens.reason}`);
  return decide(alice, tokens.argv, commands, resolver, cwd);
}

const allows = test.macro({
  exec(t, line: string, program: string, argv: string[]) {
    const decision = run(line);
    t.like(decision, { allow: true, program, argv });
  },
  title: (title, line: string) => title ?? `allows ${line}`,
});

const denies = test.macro({
  exec(t, line: string, code: 126 | 127, mentions: string) {
    const decision = run(line);
    if (decision.allow) return t.fail(`allowed as ${JSON.stringify(decision.argv)}`);
    t.is(decision.code, code);
    t.true(decision.reason.includes(mentions), decision.reason);
  },
  title: (title, line: string) => title ?? `denies ${line}`,
});

test('allows a command without arguments', allows, 'date', '/usr/bin/date', []);
test('allows any arguments to an any-command, literally', allows, "echo 'a;b' '$x'", '/bin/echo', ['a;b', '$x']);
test('allows a quoted-together command name', allows, "e'c'ho hi", '/bin/echo', ['hi']);
test('places fixed arguments of an alias first', allows, 'disk -T', '/bin/df', ['-h', '-T']);
test('allows listed options', allows, 'ls -l --all', '/usr/bin/ls', ['-l', '--all']);
test('allows a cluster of listed short options', allows, 'ls -lah', '/usr/bin/ls', ['-lah']);
test('allows a listed option with its value', allows, 'ls --color=never', '/usr/bin/ls', ['--color=never']);
test('replaces a path by its canonical form', allows, 'cat a/../b', '/usr/bin/cat', ['/srv/b']);
test('allows the root itself', allows, 'ls /srv', '/usr/bin/ls', ['/srv']);
test('allows any of several roots', allows, 'ls /home/shared/x', '/usr/bin/ls', ['/home/shared/x']);
test('follows a symlink that stays inside a root', allows, 'cat inner/f', '/usr/bin/cat', ['/srv/sub/f']);
test('allows everything under a root of /', allows, 'browse /etc', '/usr/bin/browse', ['/etc']);
test('passes -- through and reads what follows as paths', allows, 'cat -- -l', '/usr/bin/cat', ['--', '/srv/-l']);
test('reads a lone - as a path operand', allows, 'cat -', '/usr/bin/cat', ['/srv/-']);
test('allows an operand that matches a pattern', allows, 'svc --no-pager status nginx', '/bin/systemctl', [
  '--no-pager',
  'status',
  'nginx',
]);

test('denies an unknown command', denies, 'vi', 127, "unknown command 'vi'");
test('denies a command name with a quoted space', denies, "'ec ho' hi", 127, "unknown command 'ec ho'");
test('denies an environment assignment before a command', denies, 'FOO=bar echo', 127, "unknown command 'FOO=bar'");
test('denies /bin/sh given by path', denies, '/bin/sh -c id', 126, 'commands are named, not given by path');
test('denies a relative path to a command', denies, './echo hi', 126, 'commands are named, not given by path');
test('denies a configured command listed for the role but missing', denies, 'ghost', 127, "unknown command 'ghost'");
test('denies arguments to a no-argument command', denies, 'date -s now', 126, "'date' takes no arguments");
test('denies an unlisted option', denies, 'ls -R', 126, "option '-R' is not permitted for 'ls' (allowed: -l -a");
test('denies a cluster with an unlisted letter', denies, 'ls -laR', 126, "option '-laR'");
test('denies --flag=value not in the list', denies, 'ls --color=always', 126, "option '--color=always'");
test('denies an attached short value', denies, 'ls -lfoo', 126, "option '-lfoo'");
test('denies a long option abbreviation', denies, 'ls --al', 126, "option '--al'");
test('denies options when none are listed', denies, 'cat -n x', 126, 'it takes no options');
test('denies ../ traversal', denies, 'cat ../etc/passwd', 126, "path '../etc/passwd' is outside");
test('denies an absolute ../ traversal', denies, 'cat /srv/../etc/passwd', 126, 'outside the allowed directories');
test('denies a symlink out of a root', denies, 'cat sub/etc/passwd', 126, "for 'cat' (/srv)");
test('denies a relative symlink out of a root', denies, 'cat up/etc/passwd', 126, 'outside');
test('denies a sibling whose name starts with the root', denies, 'cat /srvx/secret', 126, "path '/srvx/secret'");
test('denies an absolute path outside the roots', denies, 'cat /etc/passwd', 126, "path '/etc/passwd'");
test('denies an empty operand', denies, "cat ''", 126, 'an empty argument is not allowed');
test('denies an operand that only partly matches', denies, 'svc statusx', 126, "operand 'statusx'");
test('denies operands to a command that takes none', denies, 'disk /', 126, "'disk' takes no operands");
test('denies more arguments than maxArgs', denies, 'echo 1 2 3 4 5 6 7 8 9', 126, 'at most 8 arguments, got 9');

test('answers alike for a command of another role and a command that does not exist', (t) => {
  const other = decide(alice, ['reboot'], commands, fs, cwd);
  const none = decide(alice, ['nosuch'], commands, fs, cwd);
  t.like(other, {
    allow: false,
    code: 127,
    reason: "unknown command 'reboot': type 'help' for the commands you may run",
  });
  t.like(none, {
    allow: false,
    code: 127,
    reason: "unknown command 'nosuch': type 'help' for the commands you may run",
  });
});

test('denies an empty argv', (t) => {
  t.like(decide(alice, [], commands, fs, cwd), { allow: false, code: 127 });
});

test('denies control characters that arrive without the tokenizer, and shows them escaped', (t) => {
  const decision = decide(alice, ['echo', 'a\nb\0'], commands, fs, cwd);
  t.like(decision, {
    allow: false,
    code: 126,
    reason: "argument 'a\\x0ab\\x00' holds a control character: arguments must be printable text",
  });
});

test('denies a path the resolver cannot resolve', (t) => {
  const decision = decide(alice, ['cat', 'x'], commands, { resolve: () => null }, cwd);
  t.like(decision, { allow: false, code: 126 });
});

test('denies, without throwing, when the resolver throws', (t) => {
  const throwing: PathResolver = {
    resolve() {
      throw new Error('EACCES');
    },
  };
  t.like(decide(alice, ['cat', 'x'], commands, throwing, cwd), { allow: false, code: 126 });
});

test('denies a path the resolver leaves non-canonical', (t) => {
  for (const answer of ['/srv/../etc/passwd', '/srv/./x', 'srv/x', '/srv//x', '/srv/x/']) {
    const decision = decide(alice, ['cat', 'x'], commands, { resolve: () => answer }, cwd);
    t.like(decision, { allow: false, code: 126 }, answer);
  }
});

test('matches a pattern with the g flag the same way every time', (t) => {
  for (let i = 0; i < 3; i++) t.like(decide(alice, ['svc', 'ssh'], commands, fs, cwd), { allow: true });
});

test('returns the command spec it allowed', (t) => {
  const decision = decide(alice, ['ls'], commands, fs, cwd);
  t.true(decision.allow && decision.command === commands.get('ls'));
});

test('lists the commands of the role, sorted, without names missing from the config', (t) => {
  const names = allowedCommands(alice, commands).map((spec) => spec.name);
  t.deepEqual(names, ['browse', 'cat', 'date', 'disk', 'echo', 'ls', 'svc']);
});

test('lists nothing for a role with no commands', (t) => {
  t.deepEqual(allowedCommands({ user: 'bob', role: { name: 'none', commands: [], admin: false } }, commands), []);
});

const describes = test.macro({
  exec(t, name: string, expected: string) {
    t.is(describeRule(commands.get(name)!), expected);
  },
  title: (title, name: string, expected: string) => title ?? `describes ${name} as "${expected}"`,
});

test(describes, 'date', 'no arguments');
test(describes, 'echo', 'any arguments; at most 8 arguments');
test(describes, 'ls', 'options -l -a -h --color=never --all; paths under /srv, /home/shared; at most 8 arguments');
test(describes, 'disk', 'options -T; no operands; at most 8 arguments');
test(describes, 'cat', 'no options; paths under /srv; at most 8 arguments');
test(describes, 'svc', 'options --no-pager; operands matching /status/, /nginx|ssh/; at most 8 arguments');
