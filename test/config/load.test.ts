// Loading and validating configs directly (no server): defaults, every kind of problem with its line, and the
// meaning of the sections.
import test from 'ava';
import { loadConfigText } from '../../src/config/load.ts';
import { loadEmbeddedConfig } from '../../src/config/embedded.ts';
import { parseDuration, parseSize } from '../../src/config/units.ts';
import { implicitRunAs, implicitRunAsWarning, resolveRunAs } from '../../src/config/run-as.ts';
import type { ConfigProblem } from '../../src/config/types.ts';

const HASH = '$scrypt$ln=15,r=8,p=1$POg32HPW6mvN0ubG/FTjpQ$PkLmXscp56LDH1op9nV0v5UFv4fPBPpOwiED6zK8TGw';
const base = (commands = '  echo: { program: /bin/echo, args: any }', roles = '  op: { commands: [echo] }') =>
  `users:\n  alice: { password: "${HASH}", role: op }\nroles:\n${roles}\ncommands:\n${commands}\n`;
const load = (text: string) => loadConfigText(text, 'k.yaml', '/tmp');

const problem = test.macro({
  exec(t, yaml: string, expected: RegExp) {
    const r = load(yaml);
    t.false(r.ok);
    if (!r.ok)
      t.true(
        r.errors.some((e) => expected.test(e)),
        r.errors.join('\n'),
      );
  },
  title: (title) => `refuses ${title}`,
});

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

test('roles inherit commands and admin rights', (t) => {
  const r = load(
    base(
      '  echo: { program: /bin/echo, args: any }\n  date: { program: /bin/date }',
      '  op: { commands: [echo] }\n  lead: { inherits: [op], commands: [date], admin: true }\n  boss: { inherits: [lead] }',
    ),
  );
  if (!r.ok) return t.fail(r.errors.join('\n'));
  t.deepEqual(r.config.roles.get('boss'), { name: 'boss', commands: ['date', 'echo'], admin: true });
});

test('durations and sizes parse as written', (t) => {
  t.deepEqual(parseDuration('30s'), { ok: true, value: 30_000 });
  t.deepEqual(parseDuration('500ms'), { ok: true, value: 500 });
  t.deepEqual(parseDuration(2), { ok: true, value: 2000 });
  t.deepEqual(parseSize('10MiB'), { ok: true, value: 10 * 1024 * 1024 });
  t.deepEqual(parseSize('1MB'), { ok: true, value: 1_000_000 });
  t.false(parseDuration('soon').ok);
  t.false(parseSize('-1').ok);
});

test('the embedded default loads and is marked as demo credentials', (t) => {
  const r = loadEmbeddedConfig();
  if (!r.ok) return t.fail(r.errors.join('\n'));
  t.true(r.config.demoCredentials);
  t.is(r.config.listen.host, '127.0.0.1');
  t.true(r.config.users.has('demo'));
});

test('runAs resolves names from /etc/passwd, and needs root to switch user', (t) => {
  const problems: ConfigProblem[] = [];
  t.like(resolveRunAs({ user: 'nobody' }, problems, 0), { user: 'nobody', readSearchVia: undefined });
  t.is(resolveRunAs(undefined, problems, 1000), null, 'a server not started as root runs commands as itself');
  t.is(resolveRunAs('root', problems, 0), null);
  t.is(problems.length, 0);
  t.is(resolveRunAs({ user: 'nobody' }, problems, 1000), null);
  t.regex(problems[0]!.message, /needs the server to run as root/);
  t.is(resolveRunAs({ user: 'no-such-user-here' }, problems, 0), null);
  t.is(resolveRunAs({ user: 'root' }, problems, 0), null);
  t.regex(problems.at(-1)!.message, /write `runAs: root` to mean it/);
});

test('a root server with no runAs runs commands as nobody, never silently as root, and says so', (t) => {
  const problems: ConfigProblem[] = [];
  const runAs = resolveRunAs(undefined, problems, 0);
  t.like(runAs, { user: 'nobody', uid: 65534 });
  t.not(runAs?.uid, 0);
  t.deepEqual(problems, []);
  t.regex(implicitRunAsWarning(undefined, runAs, 0) ?? '', /no runAs: commands run as nobody \(uid 65534/);
  t.is(implicitRunAsWarning({ user: 'nobody' }, runAs, 0), null, 'no warning once the config chooses');
  t.is(implicitRunAsWarning('root', null, 0), null);
  t.is(implicitRunAsWarning(undefined, null, 1000), null);
  const probed: string[] = [];
  const works = (file: string) => (probed.push(file), true);
  const withSetpriv = implicitRunAs([], ['/no/such/setpriv', '/bin/sh'], works);
  t.is(withSetpriv?.readSearchVia, '/bin/sh', 'the first executable candidate is the setpriv used');
  t.deepEqual(probed, ['/bin/sh'], 'and it is tried before it is trusted');
  const without = implicitRunAs([], ['/no/such/setpriv'], works);
  t.is(without?.readSearchVia, undefined, 'without setpriv: plain nobody');
  t.regex(implicitRunAsWarning(undefined, without, 0) ?? '', /setpriv is missing, or this machine withholds/);
  const withheld = implicitRunAs([], ['/bin/sh'], () => false);
  t.like(
    withheld,
    { user: 'nobody', readSearchVia: undefined },
    'a machine that withholds the capability: plain nobody',
  );
});

test(
  'plain-text passwords',
  problem,
  base().replace(HASH, 'hunter2'),
  /k\.yaml:2: users\.alice\.password: must be a hash/,
);
test(
  'an undefined role',
  problem,
  base().replace('role: op', 'role: nope'),
  /users\.alice\.role: role 'nope' is not defined/,
);
test(
  'an undefined command in a role',
  problem,
  base(undefined, '  op: { commands: [echo, vi] }'),
  /k\.yaml:4: roles\.op\.commands\.1: command 'vi' is not defined/,
);
test(
  'an inheritance cycle',
  problem,
  base(undefined, '  op: { inherits: [other] }\n  other: { inherits: [op] }'),
  /inheritance cycle/,
);
test('unknown fields', problem, base() + 'listen: { hots: x }\n', /listen: Unrecognized key: "hots"/);
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
test(
  'a user with no way to log in',
  problem,
  base().replace(`password: "${HASH}", `, ''),
  /has neither password nor authorizedKeys/,
);
test('a bare false as a name', problem, base(undefined, '  op: { commands: [false] }'), /put it in quotes/);
test('YAML syntax errors', problem, 'users: {\n  a: [\n', /^k\.yaml:\d+: /);
test(
  'a bad duration',
  problem,
  base() + 'limits: { commandTimeout: soon }\n',
  /limits\.commandTimeout: 'soon' is not a duration/,
);

test('a dangerous program is accepted with allowDangerousArgs: true', (t) => {
  t.true(load(base('  sh: { program: /bin/sh, args: any, allowDangerousArgs: true }', '  op: { commands: [sh] }')).ok);
});
