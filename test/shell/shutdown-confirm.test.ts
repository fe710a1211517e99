// `shutdown` on a pty (the interactive shell, or `ssh -t host shutdown`) asks before ending everyone's sessions;
// `shutdown now` and `shutdown -y` do not ask; without a pty (exec, scripts) plain `shutdown` works as before
// (test/server/lifecycle.test.ts).
import test from 'ava';
import type { ClientChannel } from 'ssh2';
import { connectSsh2, execOn, opensshInteractive } from '../helpers/clients.ts';
import { Screen } from '../helpers/screen.ts';
import { withServer, type TestServer } from '../helpers/server.ts';

const isShutdown = (r: { event: string; action?: unknown; ok?: unknown }) =>
  r.event === 'admin' && r.action === 'shutdown' && r.ok === true;

/** boss's pty shell on the server, once the prompt shows. */
async function bossShell(s: TestServer): Promise<{ channel: ClientChannel; screen: Screen }> {
  const client = await connectSsh2(s.port, 'boss', { privateKey: s.keys.boss });
  const channel = await new Promise<ClientChannel>((resolve, reject) =>
    client.shell({ term: 'xterm', cols: 100, rows: 30 }, (err, ch) => (err ? reject(err) : resolve(ch))),
  );
  const screen = new Screen(channel, channel.stderr);
  await screen.waitFor('boss@');
  return { channel, screen };
}

test('shutdown on a pty asks, and anything but y keeps the server up', async (t) => {
  const s = await withServer(t);
  const { channel, screen } = await bossShell(s);
  let at = screen.mark();
  channel.write('shutdown\r');
  t.regex(await screen.waitFor(/\[y\/N\]/, at), /shut the server down, ending 1 session\? \[y\/N\]/);
  at = screen.mark();
  channel.write('n\r');
  await screen.waitFor(/not shut down/, at);
  at = screen.mark();
  channel.write('whoami\r');
  await screen.waitFor(/session s?\S+\)/, at);
  t.false(s.audit.records.some(isShutdown));
  channel.end();
});

test('shutdown on a pty answered y shuts the server down', async (t) => {
  const s = await withServer(t);
  const { channel, screen } = await bossShell(s);
  const at = screen.mark();
  channel.write('shutdown\r');
  await screen.waitFor(/\[y\/N\]/, at);
  const stopped = s.waitForAudit(isShutdown);
  channel.write('y\r');
  t.truthy(await stopped);
});

for (const word of ['now', '-y']) {
  test(`shutdown ${word} on a pty does not ask`, async (t) => {
    const s = await withServer(t);
    const { channel, screen } = await bossShell(s);
    const stopped = s.waitForAudit(isShutdown);
    channel.write(`shutdown ${word}\r`);
    t.truthy(await stopped);
    t.notRegex(screen.text, /\[y\/N\]/);
  });
}

test('shutdown with an unknown argument is refused with the usage', async (t) => {
  const s = await withServer(t);
  const client = await connectSsh2(s.port, 'boss', { privateKey: s.keys.boss });
  t.teardown(() => client.end());
  const r = await execOn(client, 'shutdown later');
  t.is(r.code, 2);
  t.regex(r.stderr, /usage: shutdown \[now\|-y\]/);
  t.false(s.audit.records.some(isShutdown));
});

test('ssh -t HOST shutdown (an exec on a pty) asks too, and n keeps the server up', async (t) => {
  const s = await withServer(t);
  const ssh = opensshInteractive(s.port, 'boss', { privateKey: s.keys.boss }, s.dir, 'shutdown');
  t.teardown(() => ssh.kill());
  const screen = new Screen(ssh.stdout!, ssh.stderr!);
  await screen.waitFor(/shut the server down, ending 1 session\? \[y\/N\]/);
  ssh.stdin!.write('n\r');
  await screen.waitFor(/not shut down/);
  const code = await new Promise<number | null>((resolve) => ssh.once('exit', resolve));
  t.is(code, 1);
  t.false(s.audit.records.some(isShutdown));
});

test('ssh -t HOST shutdown answered y shuts the server down', async (t) => {
  const s = await withServer(t);
  const client = await connectSsh2(s.port, 'boss', { privateKey: s.keys.boss });
  const channel = await new Promise<ClientChannel>((resolve, reject) =>
    client.exec('shutdown', { pty: { term: 'xterm', cols: 80, rows: 24 } }, (err, ch) =>
      err ? reject(err) : resolve(ch),
    ),
  );
  const screen = new Screen(channel, channel.stderr);
  await screen.waitFor(/\[y\/N\]/);
  const stopped = s.waitForAudit(isShutdown);
  channel.write('y\r');
  t.truthy(await stopped);
});

test('admin in an exec on a pty is refused: the elevation would end with the command', async (t) => {
  const s = await withServer(t);
  const client = await connectSsh2(s.port, 'alice', { password: 'alice-secret' });
  const r = await execOn(client, 'admin', { pty: true });
  t.is(r.code, 1);
  t.regex(r.stdout + r.stderr, /admin needs an interactive shell/);
  client.end();
});
