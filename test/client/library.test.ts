// The client library used the way the README shows it, against a real server; and the example health check.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { connect, HostKeyError, RemoteError, type KeyholeClient } from '../../src/index.ts';
import { serverPerFile, type TestServer } from '../helpers/server.ts';

const test = serverPerFile<{ knownHosts: string }>({
  commands: { uptime: '{ program: /usr/bin/uptime, args: none }', df: '{ program: /bin/df, flags: [-h] }' },
  operatorCommands: ['uptime', 'df'],
});
test.before((t) => {
  const { s } = t.context;
  t.context.knownHosts = path.join(s.dir, 'known_hosts');
  const pub = readFileSync(`${s.server.hostKeys[0]!.file}.pub`, 'utf8').split(' ');
  writeFileSync(t.context.knownHosts, `[127.0.0.1]:${s.port} ${pub[0]} ${pub[1]}\n`);
});

const open = (t: { context: { s: TestServer; knownHosts: string } }, user = 'deploy'): Promise<KeyholeClient> =>
  connect({
    host: '127.0.0.1',
    port: t.context.s.port,
    username: user,
    privateKeyPath: user === 'boss' ? t.context.s.keys.boss : t.context.s.keys.deploy,
    knownHosts: t.context.knownHosts,
  });

test('connect, run, list and close, as the README shows', async (t) => {
  const client = await open(t);
  t.teardown(() => client.close());
  t.like(client.hello, { user: 'deploy', role: 'operator', admin: false, protocol: 1 });
  const result = await client.run(['echo', 'hello']);
  t.like(result, { stdout: 'hello\n', stderr: '', code: 0, signal: null, timedOut: false });
  t.is(typeof result.durationMs, 'number');
  const names = (await client.list()).map((c) => c.name);
  t.true(names.includes('echo') && names.includes('ls'));
});

test('a non-zero status resolves; a refusal rejects with RemoteError and the shell exit code', async (t) => {
  const client = await open(t);
  t.teardown(() => client.close());
  t.is((await client.run(['false'])).code, 1);
  const denied = await t.throwsAsync(() => client.run(['cat', '/etc/shadow']), { instanceOf: RemoteError });
  t.like(denied, { code: 'denied', exitCode: 126 });
  const unknown = await t.throwsAsync(() => client.run(['vi']), { instanceOf: RemoteError });
  t.like(unknown, { code: 'unknown_command', exitCode: 127 });
});

test('stream delivers output as it comes and cancel stops the run', async (t) => {
  const client = await open(t);
  t.teardown(() => client.close());
  const run = client.stream(['sleep', '60']);
  await t.context.s.waitForAudit((a) => a.event === 'command' && a.argv[1] === '60' && a.via === 'protocol');
  run.cancel();
  t.like(await run.done, { canceled: true, code: 130 });
  const flood = client.stream(['flood']);
  const [first] = await once(flood.stdout, 'data');
  t.true((first as Buffer).toString().startsWith('y\n'));
  t.like(await flood.done, { truncated: true });
});

test('several runs in flight on one connection', async (t) => {
  const client = await open(t);
  t.teardown(() => client.close());
  const results = await Promise.all(['a', 'b', 'c', 'd'].map((word) => client.run(['echo', word])));
  t.deepEqual(
    results.map((r) => r.stdout),
    ['a\n', 'b\n', 'c\n', 'd\n'],
  );
});

test('an admin lists sessions through the library; a non-admin is refused', async (t) => {
  const admin = await open(t, 'boss');
  const user = await open(t);
  t.teardown(() => (admin.close(), user.close()));
  const sessions = await admin.sessions();
  t.true(sessions.some((s) => s.user === 'deploy'));
  await t.throwsAsync(() => user.sessions(), { instanceOf: RemoteError, message: /needs admin rights/ });
});

test('an unknown host key rejects with HostKeyError before auth', async (t) => {
  const empty = path.join(t.context.s.dir, 'empty_known_hosts');
  writeFileSync(empty, '');
  const err = await t.throwsAsync(
    () =>
      connect({
        host: '127.0.0.1',
        port: t.context.s.port,
        username: 'deploy',
        privateKeyPath: t.context.s.keys.deploy,
        knownHosts: empty,
      }),
    { instanceOf: HostKeyError },
  );
  t.is(err?.code, 'host_key_unknown');
  t.regex(err?.fingerprint ?? '', /^SHA256:/);
});

test('the example health check prints a table for each host', async (t) => {
  const { s, knownHosts } = t.context;
  const child = spawn(
    process.execPath,
    [
      '--import=tsx',
      'scripts/health-check.ts',
      '-i',
      s.keys.deploy,
      '--known-hosts',
      knownHosts,
      `deploy@127.0.0.1:${s.port}`,
      'deploy@127.0.0.1:1',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const [code] = await once(child, 'close'); // after stdout is read to its end
  t.is(code, 1, 'one host is down');
  const lines = out.trim().split('\n');
  t.regex(lines[0]!, /^HOST\s+LOAD/);
  t.regex(lines[1]!, new RegExp(`^deploy@127\\.0\\.0\\.1:${s.port}\\s+\\S.*\\s+\\d+%\\s+ok$`));
  t.regex(lines[2]!, /^deploy@127\.0\.0\.1:1\s+-\s+-\s+connect_failed/);
});
