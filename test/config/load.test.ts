// Loading and validating configs directly (no server): defaults, and every problem reported with its file and line.
import test from 'ava';
import { base, load, problem } from './helpers.ts';

test('a minimal config loads with the defaults filled in', (t) => {
  const r = load(base());
  if (!r.ok) return t.fail(r.errors.join('\n'));
  t.deepEqual(r.config.listen, { host: '127.0.0.1', port: 2222 });
  t.is(r.config.limits.maxAuthTries, 6);
  t.is(r.config.limits.commandTimeoutMs, 30_000);
  t.deepEqual(r.config.acceptEnv, ['LANG', 'LC_*']);
  t.like(r.config.commands.get('echo'), { args: 'any', program: '/usr/bin/echo' });
  t.true(r.config.penalties !== null);
});

test(
  'unknown fields',
  problem,
  base() + 'listen: { hots: x }\n',
  /^k\.yaml:7: listen\.hots: unknown field 'hots': did you mean 'host'\?$/,
);
test('a bare false as a name', problem, base(undefined, '  op: { commands: [false] }'), /put it in quotes/);
test('YAML syntax errors', problem, 'users: {\n  a: [\n', /^k\.yaml:\d+: /);
test(
  'a field in a block map at the line of its key, not of its value',
  problem,
  base('  echo: { program: /bin/echo, args: any }\n  ls:\n    program: /bin/ls\n    paths: [srv]'),
  /^k\.yaml:9: commands\.ls\.paths\.0: path roots must be absolute/,
);
test(
  'a missing field at the line of the map that lacks it',
  problem,
  base().replace('alice: { password', 'alice:\n    { password').replace(', role: op', ''),
  /^k\.yaml:2: users\.alice\.role: missing: /,
);

// Finding 3 of issue 11: a missing cwd passed check-config and a reload, then every command failed with 127.
test(
  'a cwd that does not exist, at its line',
  problem,
  base() + 'cwd: /no/such/dir\n',
  /^k\.yaml:7: cwd: '\/no\/such\/dir' does not exist: create it or change cwd$/,
);
test('a cwd that is a file', problem, base() + 'cwd: /etc/passwd\n', /cwd: '\/etc\/passwd' is not a directory/);
