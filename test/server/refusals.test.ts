// Everything that is not a session shell or exec is refused and audited: forwarding both ways, sftp, agent, X11,
// env outside the allow-list.
import { connectSsh2, execOn, opensshExec } from '../helpers/clients.ts';
import { serverPerFile, type TestServer } from '../helpers/server.ts';

const test = serverPerFile();

const deploy = (s: TestServer) => connectSsh2(s.port, 'deploy', { privateKey: s.keys.deploy });

test('local port forwarding (direct-tcpip) is refused, saying why; OpenSSH -W exits 255', async (t) => {
  const { s } = t.context;
  // -v: for -W, OpenSSH shows the server's reason only in its verbose log (the error line is "stdio forwarding failed").
  const r = await opensshExec(s.port, 'deploy', { privateKey: s.keys.deploy }, s.dir, null, [
    '-v',
    '-W',
    '127.0.0.1:22',
  ]);
  t.is(r.code, 255);
  t.regex(r.stderr, /open failed: administratively prohibited: port forwarding is disabled on this server/);
  const client = await deploy(s);
  t.teardown(() => client.end());
  const err = await new Promise<Error | undefined>((resolve) =>
    client.forwardOut('127.0.0.1', 0, '127.0.0.1', 22, (e) => resolve(e)),
  );
  t.regex(String(err), /port forwarding is disabled on this server/);
  await s.waitForAudit((a) => a.event === 'request-refused' && a.request === 'direct-tcpip');
});

test('remote port forwarding (tcpip-forward) is refused', async (t) => {
  const client = await deploy(t.context.s);
  t.teardown(() => client.end());
  const err = await new Promise<Error | undefined>((resolve) => client.forwardIn('127.0.0.1', 0, (e) => resolve(e)));
  t.truthy(err);
  await t.context.s.waitForAudit((a) => a.event === 'request-refused' && a.request === 'tcpip-forward');
});

test('sftp is refused', async (t) => {
  const client = await deploy(t.context.s);
  t.teardown(() => client.end());
  const err = await new Promise<Error | undefined>((resolve) => client.sftp((e) => resolve(e)));
  t.truthy(err);
  await t.context.s.waitForAudit((a) => a.event === 'request-refused' && a.request === 'sftp');
});

test('agent forwarding is refused but the command still runs', async (t) => {
  const { s } = t.context;
  const r = await opensshExec(s.port, 'deploy', { privateKey: s.keys.deploy }, s.dir, 'echo ok', [
    '-A',
    '-o',
    'ForwardAgent=yes',
  ]);
  t.is(r.code, 0);
  t.is(r.stdout, 'ok\n');
});

test('env requests pass only for allowed names (LANG, LC_*); LD_PRELOAD never reaches a command', async (t) => {
  const { s } = t.context;
  const client = await deploy(s);
  t.teardown(() => client.end());
  const r = await new Promise<string>((resolve, reject) =>
    client.exec('sh-env', { env: { LD_PRELOAD: '/tmp/evil.so', LC_TIME: 'C', LANG: 'C' } }, (err, ch) => {
      if (err) return reject(err);
      let out = '';
      ch.on('data', (d: Buffer) => (out += d.toString()));
      ch.on('close', () => resolve(out));
    }),
  );
  t.false(r.includes('LD_PRELOAD'));
  t.true(r.includes('LC_TIME=C'));
  await s.waitForAudit((a) => a.event === 'request-refused' && a.request === 'env' && a.detail === 'LD_PRELOAD');
});

test('a second exec on the same connection works after a refused request', async (t) => {
  const client = await deploy(t.context.s);
  t.teardown(() => client.end());
  await new Promise((resolve) => client.forwardOut('127.0.0.1', 0, '127.0.0.1', 22, resolve));
  const r = await execOn(client, 'echo alive');
  t.is(r.stdout, 'alive\n');
});

// Issue 11, finding 9: file-transfer clients are told why, not "subsystem request failed" or "unknown command 'scp'".
test('OpenSSH asking for sftp, or running scp -O, is told that file transfer is not enabled', async (t) => {
  const { s } = t.context;
  const creds = { privateKey: s.keys.deploy };
  const sftp = await opensshExec(s.port, 'deploy', creds, s.dir, 'sftp', ['-s']);
  t.is(sftp.code, 1);
  t.regex(sftp.stderr, /^keyhole: file transfer \(scp, sftp, rsync\) is not enabled on this server$/m);
  await s.waitForAudit((a) => a.event === 'request-refused' && a.request === 'sftp');
  const scp = await opensshExec(s.port, 'deploy', creds, s.dir, 'scp -t /tmp');
  t.is(scp.code, 127);
  t.regex(scp.stderr, /file transfer \(scp, sftp, rsync\) is not enabled on this server/);
});
