// `shutdown` in the interactive shell (a pty) asks before ending everyone's sessions; `shutdown now` and `shutdown -y`
// do not ask; without a pty (exec, scripts) plain `shutdown` works as before (test/server/lifecycle.test.ts).
import test from 'ava';
import type { ClientChannel } from 'ssh2';
import { connectSsh2, execOn } from '../helpers/clients.ts';
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
