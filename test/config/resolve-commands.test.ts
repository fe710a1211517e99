// The `commands:` section: programs, path roots, argument rules, and names that belong to the builtins.
import test from 'ava';
import { RESERVED_WORDS } from '../../src/line/builtins.ts';
import { base, load, problem } from './helpers.ts';

test(
  'a missing program',
  problem,
  base('  x: { program: /no/such/program }'),
  /commands\.x\.program: program '\/no\/such\/program' was not found/,
);
test('a relative program path', problem, base('  x: { program: bin/x }'), /must be an absolute path or a bare name/);
test('relative path roots', problem, base('  ls: { program: /bin/ls, paths: [srv] }'), /path roots must be absolute/);
test('missing path roots', problem, base('  ls: { program: /bin/ls, paths: [/no/such/root] }'), /does not exist/);
test(
  'args combined with rules',
  problem,
  base('  ls: { program: /bin/ls, args: any, flags: [-l] }'),
  /cannot be combined/,
);
test('a flag that is not an option', problem, base('  ls: { program: /bin/ls, flags: [l] }'), /'l' is not an option/);
test(
  'an invalid pattern',
  problem,
  base('  s: { program: /bin/sleep, patterns: ["("] }'),
  /not a valid regular expression/,
);
test(
  'a shell with args: any',
  problem,
  base('  sh: { program: /bin/sh, args: any }'),
  /can run other programs.*allowDangerousArgs/,
);
test('find with args: any', problem, base('  find: { program: /usr/bin/find, args: any }'), /can run other programs/);

test('a dangerous program is accepted with allowDangerousArgs: true', (t) => {
  t.true(load(base('  sh: { program: /bin/sh, args: any, allowDangerousArgs: true }', '  op: { commands: [sh] }')).ok);
});

// A command named like a builtin, written as a block map: the problem is at the line of its name (line 7).
const named = (word: string) => base(`  echo: { program: /bin/echo, args: any }\n  ${word}:\n    program: /bin/echo`);
for (const word of RESERVED_WORDS) {
  test(
    `a command named '${word}', at its own line`,
    problem,
    named(word),
    new RegExp(`^k\\.yaml:7: commands\\.${word}: '${word}' is a Keyhole builtin.*; a command may not take its name`),
  );
}
test(
  'a command named like a builtin, written inline',
  problem,
  base('  kill: { program: /bin/kill, args: any }', '  op: { commands: [] }'),
  /^k\.yaml:6: commands\.kill: 'kill' is a Keyhole builtin; a command may not take its name: rename it$/,
);
test(
  'a command named like an alias of a builtin, saying which',
  problem,
  named('show_clients'),
  /commands\.show_clients: 'show_clients' is a Keyhole builtin \(another name for sessions\)/,
);

// Issue 11, item 14: the README says never to list a value-taking option under `flags`; the load refuses one that
// it knows takes a value (under valueFlags too, or a common program's option), saying why.
test(
  "a common program's value-taking option under flags",
  problem,
  base('  tail: { program: /usr/bin/tail, flags: [-n], paths: [/tmp] }'),
  /^k\.yaml:6: commands\.tail\.flags\.0: '-n' takes a value in tail: .*valueFlags/,
);
test(
  'a long value-taking option under flags',
  problem,
  base('  tail: { program: /usr/bin/tail, flags: [--lines], paths: [/tmp] }'),
  /commands\.tail\.flags\.0: '--lines' takes a value in tail/,
);
test(
  'a cluster ending in a value-taking option under flags',
  problem,
  base('  tail: { program: /usr/bin/tail, flags: [-fn], paths: [/tmp] }'),
  /commands\.tail\.flags\.0: '-fn' ends with -n, which takes a value in tail/,
);
test(
  'a cluster ending in an option declared under valueFlags',
  problem,
  base('  tar: { program: /bin/tar, flags: [-t, -tf], valueFlags: { -f: path }, paths: [/tmp] }'),
  /commands\.tar\.flags\.1: '-tf' ends with -f, which is declared under valueFlags/,
);
test('a value written into a listed flag passes (its value is fixed)', (t) => {
  const r = load(
    base(
      '  tail: { program: /usr/bin/tail, flags: [-n5, --lines=5, -f], paths: [/tmp] }',
      '  op: { commands: [tail] }',
    ),
  );
  t.true(r.ok, r.ok ? '' : r.errors.join('\n'));
});
test(
  'a missing path root names its field and line',
  problem,
  base('  echo: { program: /bin/echo, args: any }\n  cat:\n    program: /bin/cat\n    paths: [/tmp, /no/such/root]'),
  /^k\.yaml:9: commands\.cat\.paths\.1: path root '\/no\/such\/root' does not exist/,
);
