// The keyhole program's offline commands: hash-password, check-config, check-policy.
import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { verifyPassword } from '../../src/auth/password.ts';
import { runKeyhole } from '../helpers/cli.ts';
import { withTestConfig } from '../helpers/server.ts';

test('hash-password reads one line from stdin and prints a verifiable scrypt hash', async (t) => {
  const r = await runKeyhole(['hash-password'], 'correct horse battery\n');
  t.is(r.code, 0, r.stderr);
  const hash = r.stdout.trim();
  t.regex(hash, /^\$scrypt\$/);
  t.true(await verifyPassword('correct horse battery', hash));
});

test('hash-password warns of a password under 12 characters from stdin, unless --allow-short', async (t) => {
  const short = await runKeyhole(['hash-password'], 's3cret\n');
  t.is(short.code, 0, 'a script piping a password in still gets its hash');
  t.regex(
    short.stderr.trim(),
    /^keyhole: warning: the password has 6 characters; use at least 12 \(or --allow-short\)$/,
  );
  t.true(await verifyPassword('s3cret', short.stdout.trim()));
  const allowed = await runKeyhole(['hash-password', '--allow-short'], 's3cret\n');
  t.is(allowed.code, 0, allowed.stderr);
  t.is(allowed.stderr, '');
});

test('hash-password refuses an empty password', async (t) => {
  const r = await runKeyhole(['hash-password'], '\n');
  t.is(r.code, 1);
  t.regex(r.stderr, /no password given/);
});

test('check-config accepts the documented shape and summarises users', async (t) => {
  const config = await withTestConfig(t);
  const r = await runKeyhole(['check-config', config.configFile]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /user boss: role admin \(admin\), password \+ 1 key\(s\)/);
  // Issue 11, item 14: each command's fixedArgs are shown (slow is sleep 30), and the confinement of each command.
  t.regex(r.stdout, /^command slow: \/\S*sleep; fixedArgs 30; no arguments$/m);
  t.regex(r.stdout, /^confinement /m);
});

test('check-config says how a certificate-only user logs in, and the methods a user must pass (as loaded)', async (t) => {
  const config = await withTestConfig(t);
  const file = `${config.dir}/certs.yaml`;
  const ca = readFileSync(`${config.keys.deploy}.pub`, 'utf8').trim(); // any public key can stand as the CA here
  writeFileSync(
    file,
    [
      `trustedUserCAKeys: ['${ca}']`,
      'users:',
      '  oncall: { role: op, principals: [oncall, sre] }',
      '  carol: { role: op, authenticationMethods: [[publickey], [publickey, password]] }',
      'roles:',
      '  op: { commands: [echo] }',
      'commands:',
      '  echo: { program: /bin/echo, args: any }',
    ].join('\n'),
  );
  const r = await runKeyhole(['check-config', file]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^user oncall: role op, certificate \(principals oncall, sre\); may run echo$/m);
  t.regex(
    r.stdout,
    /^user carol: role op, certificate \(principal carol\); must pass publickey; may run echo$/m,
    'the chain with a password is not shown: carol has none, so it was dropped at load',
  );
});

test('check-config names the file, line and field of each problem', async (t) => {
  const config = await withTestConfig(t);
  const bad = `${config.dir}/bad.yaml`;
  writeFileSync(
    bad,
    [
      'users:',
      '  eve: { password: hunter2, role: operator }',
      'roles:',
      '  operator: { commands: [nosuch] }',
      'commands:',
      '  ls: { program: /no/such/ls, paths: [relative] }',
    ].join('\n'),
  );
  const r = await runKeyhole(['check-config', bad]);
  t.is(r.code, 1);
  t.regex(r.stderr, /bad\.yaml:2: users\.eve\.password: must be a hash from `keyhole hash-password`/);
  t.regex(r.stderr, /bad\.yaml:4: roles\.operator\.commands\.0: command 'nosuch' is not defined/);
  t.regex(r.stderr, /bad\.yaml:6: commands\.ls\.program: program '\/no\/such\/ls' was not found/);
  t.regex(r.stderr, /bad\.yaml:6: commands\.ls\.paths\.0: path roots must be absolute/);
});

test('check-config reports unknown fields and YAML syntax errors with a line', async (t) => {
  const config = await withTestConfig(t);
  const bad = `${config.dir}/bad.yaml`;
  writeFileSync(bad, 'users: {}\nroles: {}\ncommands: {}\nlisten: { hots: x }\n');
  const r = await runKeyhole(['check-config', bad]);
  t.regex(r.stderr, /bad\.yaml:4: listen\.hots: unknown field 'hots': did you mean 'host'\?/);
  writeFileSync(bad, 'users: {\n  a: [\n');
  const r2 = await runKeyhole(['check-config', bad]);
  t.is(r2.code, 1);
  t.regex(r2.stderr, /bad\.yaml:\d+: /);
});

test('check-policy says allow or deny and why, with the exit code of the decision', async (t) => {
  const config = await withTestConfig(t);
  const allow = await runKeyhole([
    'check-policy',
    '--config',
    config.configFile,
    'deploy',
    '--',
    'ls',
    '-la',
    config.srv,
  ]);
  t.is(allow.code, 0);
  t.regex(allow.stdout, /^allow: \/\S*ls -la \//);
  const deny = await runKeyhole(['check-policy', '--config', config.configFile, 'deploy', '--', 'cat', '/etc/shadow']);
  t.is(deny.code, 126);
  t.regex(deny.stdout, /deny \(126\): path '\/etc\/shadow' is outside/);
  const unknown = await runKeyhole(['check-policy', '--config', config.configFile, 'deploy', '--', 'vi']);
  t.is(unknown.code, 127);
});

// Issue 11, finding 6: check-policy reads a line as the shell does, names what allowed it, and tells the operator
// when a command exists but not for the user's role.
test('check-policy reads the command as a line, as the shell does', async (t) => {
  const config = await withTestConfig(t, { commands: { whoson: '{ program: /usr/bin/who, args: none }' } });
  const policy = (...words: string[]) =>
    runKeyhole(['check-policy', '--config', config.configFile, 'deploy', ...words]);
  const pipe = await policy('--', 'echo hi | sh');
  t.is(pipe.code, 126);
  t.regex(pipe.stdout, /^deny \(126\): .*'\|'/);
  // `check-policy deploy -- ls '$HOME'` typed in bash: the words are ls and $HOME, the line `ls $HOME`.
  const dollar = await policy('--', 'ls', '$HOME');
  t.is(dollar.code, 126, dollar.stdout);
  t.regex(dollar.stdout, /deny \(126\): .*\$/);
  const quoted = await policy('--', `ls '${config.srv}'`);
  t.is(quoted.code, 0, 'quotes in the line are read as the shell reads them');
  const line = await policy('--', `ls -la ${config.srv}`);
  t.is(line.code, 0, line.stdout);
  t.regex(line.stdout, /^allow: \/\S*ls -la \//);
  t.regex(line.stdout, /^ {2}by role operator, command ls: /m);
  const argv = await policy('--argv', '--', 'echo', 'hi | sh');
  t.is(argv.code, 0, 'with --argv the words are the argv: echo gets one argument');
  t.regex(argv.stdout, /^allow: \/\S*echo 'hi \| sh'/);
  const other = await policy('--', 'whoson');
  t.is(other.code, 127);
  t.regex(other.stdout, /^deny \(127\): unknown command 'whoson'/);
  t.regex(other.stdout, /^ {2}command 'whoson' is defined, but role operator does not list it; no role lists it$/m);
});
