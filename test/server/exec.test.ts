// Exec requests end to end, with ssh2's client and with OpenSSH: the policy, exit codes, stdout/stderr and auth.
import type { ExecutionContext } from 'ava';
import { ssh2Exec, opensshExec, type Credentials, type ExecResult } from '../helpers/clients.ts';
import { PASSWORD, serverPerFile, type TestServer } from '../helpers/server.ts';

const test = serverPerFile();

type Client = 'ssh2' | 'openssh';
const run = (
  t: ExecutionContext<{ s: TestServer }>,
  client: Client,
  user: string,
  creds: Credentials,
  command: string,
) => {
  const { s } = t.context;
  return client === 'ssh2' ? ssh2Exec(s.port, user, creds, command) : opensshExec(s.port, user, creds, s.dir, command);
};
const asDeploy = (t: ExecutionContext<{ s: TestServer }>): Credentials => ({ privateKey: t.context.s.keys.deploy });

const status = test.macro({
  async exec(
    t,
    client: Client,
    command: string,
    code: number,
    check?: (r: ExecResult, t: ExecutionContext<{ s: TestServer }>) => void,
  ) {
    const r = await run(t, client, 'deploy', asDeploy(t), command.replaceAll('$SRV', t.context.s.srv));
    t.is(r.code, code, `stderr: ${r.stderr}`);
    check?.(r, t);
  },
  title: (_title, client, command, code) => `${client}: '${command}' exits ${code}`,
});

for (const client of ['ssh2', 'openssh'] as const) {
  test(status, client, 'echo hello "big world"', 0, (r, t) => t.is(r.stdout, 'hello big world\n'));
  test(status, client, 'cat $SRV/hello.txt', 0, (r, t) => t.is(r.stdout, 'srv-file\n'));
  test(status, client, 'false', 1);
  test(status, client, 'ls $SRV/nope', 2, (r, t) => {
    t.is(r.stdout, '');
    t.true(r.stderr.includes('nope'), 'the program’s error is on stderr');
  });
  test(status, client, 'slow', 124, (r, t) => t.true(r.stderr.includes('timed out'), r.stderr));
  test(status, client, 'ls -la /etc', 126, (r, t) => t.true(r.stderr.includes('outside the allowed directories')));
  test(status, client, 'date -s now', 126);
  test(status, client, 'id', 127, (r, t) => t.true(r.stderr.includes("unknown command 'id'")));
  test(status, client, 'echo a; id', 126, (r, t) => t.is(r.stdout, ''));
  test(status, client, 'echo $(id)', 126);
  test(status, client, '/bin/sh -c id', 126);
  test(status, client, 'cat $SRV/../keyhole.yaml', 126);
  test(status, client, 'sessions', 126, (r, t) => t.true(r.stderr.includes('needs admin rights')));
}

test('the environment of a command is the configured one, not the server’s', async (t) => {
  const r = await run(t, 'ssh2', 'deploy', asDeploy(t), 'sh-env');
  const names = r.stdout
    .trim()
    .split('\n')
    .map((l) => l.split('=')[0])
    .sort();
  t.deepEqual(names, ['KEYHOLE_SESSION', 'KEYHOLE_USER', 'LANG', 'PATH']);
  t.true(r.stdout.includes('KEYHOLE_USER=deploy'));
});

test('a password login works with OpenSSH through SSH_ASKPASS', async (t) => {
  const r = await run(t, 'openssh', 'alice', { password: PASSWORD }, 'echo hi');
  t.is(r.code, 0);
  t.is(r.stdout, 'hi\n');
});

test('a wrong password is refused (OpenSSH exits 255) and audited', async (t) => {
  const r = await run(t, 'openssh', 'alice', { password: 'wrong' }, 'echo hi');
  t.is(r.code, 255);
  const audit = await t.context.s.waitForAudit(
    (a) => a.event === 'auth' && a.user === 'alice' && a.method === 'password' && !a.ok,
  );
  t.like(audit, { method: 'password', reason: 'wrong password' });
});

test('an unknown user is refused like a wrong password', async (t) => {
  await t.throwsAsync(() => ssh2Exec(t.context.s.port, 'mallory', { password: PASSWORD }, 'echo hi'), {
    message: /authentication methods failed/,
  });
});

test('a key that belongs to another user is refused', async (t) => {
  const r = await run(t, 'openssh', 'alice', { privateKey: t.context.s.keys.deploy }, 'echo hi');
  t.is(r.code, 255);
  const stranger = await run(t, 'openssh', 'deploy', { privateKey: t.context.s.keys.stranger }, 'echo hi');
  t.is(stranger.code, 255);
});

test('a key login is audited with the key fingerprint', async (t) => {
  await run(t, 'ssh2', 'boss', { privateKey: t.context.s.keys.boss }, 'echo hi');
  const audit = await t.context.s.waitForAudit((a) => a.event === 'auth' && a.user === 'boss' && a.ok);
  t.regex(String((audit as { fingerprint?: string }).fingerprint), /^SHA256:[A-Za-z0-9+/]{43}$/);
});

test('every command is audited, allowed and denied, before its exit status arrives', async (t) => {
  const r = await run(t, 'ssh2', 'deploy', asDeploy(t), 'echo audited-marker');
  t.is(r.code, 0);
  const records = t.context.s.audit.records;
  const command = records.find((a) => a.event === 'command' && a.argv.includes('audited-marker'));
  const exit = records.find((a) => a.event === 'exit' && a.argv.includes('audited-marker'));
  t.like(command, { allowed: true, user: 'deploy', via: 'exec' });
  t.like(exit, { code: 0, stdoutBytes: 'audited-marker\n'.length });
  await run(t, 'ssh2', 'deploy', asDeploy(t), 'rm -rf /');
  t.like(
    records.find((a) => a.event === 'command' && a.argv[0] === 'rm'),
    { allowed: false, code: 127 },
  );
});
