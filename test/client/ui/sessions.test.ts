// The admin side of `keyhole connect` in tmux, each test with a server of its own so the session table holds only
// its own clients: the live sessions view, ending a session after a confirmation, and a dropped connection.
import anyTest, { type ExecutionContext, type TestFn } from 'ava';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openLink, type Link } from '../../../src/client/ui/link.ts';
import { KEYHOLE_BIN } from '../../helpers/cli.ts';
import { withServer, type TestServer } from '../../helpers/server.ts';
import { closeTmux, limit, Terminal } from './tmux.ts';

const test = anyTest as TestFn<{ s: TestServer; hosts: string }>;
const slot = limit(2);
// A test that drives terminals, at most two at once, with a server of its own and a known_hosts file trusting it.
const tui = (title: string, body: (t: ExecutionContext<{ s: TestServer; hosts: string }>) => Promise<void>) =>
  test(title, async (t) => {
    const s = await withServer(t);
    const hosts = path.join(s.dir, 'known_hosts');
    const pub = readFileSync(`${s.server.hostKeys[0]!.file}.pub`, 'utf8').split(' ');
    writeFileSync(hosts, `[127.0.0.1]:${s.port} ${pub[0]} ${pub[1]}\n`);
    t.context = { s, hosts };
    return slot(() => body(t));
  });
test.after.always(() => closeTmux());

async function startTui(t: { context: { s: TestServer; hosts: string } }, user: 'boss' | 'deploy'): Promise<Terminal> {
  const { s, hosts } = t.context;
  const state = mkdtempSync(path.join(s.dir, 'state-'));
  const argv = [process.execPath, KEYHOLE_BIN, 'connect', '-i', s.keys[user], '--known-hosts', hosts];
  const env = { XDG_STATE_HOME: state, SSH_AUTH_SOCK: '', LANG: 'C.UTF-8', NO_COLOR: '' };
  const term = await Terminal.start([...argv, `${user}@127.0.0.1:${s.port}`], env, 100, 30);
  await term.waitFor(/● connected/);
  return term;
}

// A second client, through the same library the terminal client uses.
function library(t: { context: { s: TestServer; hosts: string } }, user: 'boss' | 'deploy'): Promise<Link> {
  const { s, hosts } = t.context;
  return openLink({ host: '127.0.0.1', port: s.port, username: user, privateKeyPath: s.keys[user], knownHosts: hosts });
}

tui('the sessions view lists a second client and refreshes by itself', async (t) => {
  const term = await startTui(t, 'boss');
  t.teardown(() => term.close());
  await term.keys('F2');
  await term.waitFor(/ID +USER +ROLE +ADDRESS[^\n]*\n│s\d+\* +boss +admin/);
  const other = await library(t, 'deploy');
  t.teardown(() => other.close());
  const screen = await term.waitFor(
    new RegExp(`│${other.client.hello.session} +deploy +operator +127\\.0\\.0\\.1:\\d+`),
  );
  t.regex(screen, /2 sessions, refreshed every 2 s/);
  await term.keys('Escape');
  await term.waitFor(/boss@127\.0\.0\.1# *\n/);
});

tui('an admin ends the selected session after confirming it', async (t) => {
  const term = await startTui(t, 'boss');
  t.teardown(() => term.close());
  const other = await library(t, 'deploy');
  t.teardown(() => other.close());
  await term.line(':sessions');
  await term.waitFor(/2 sessions, refreshed/);
  await term.keys('Down', 'k');
  await term.waitFor(new RegExp(`End session ${other.client.hello.session} \\(deploy from 127\\.0\\.0\\.1:\\d+\\)\\?`));
  await term.keys('n');
  await term.waitFor(/2 sessions, refreshed/);
  await term.keys('k');
  await term.waitFor(/\[y\/N\]/);
  await term.keys('y');
  t.is(await other.closed, 'the server closed the connection');
  await term.waitFor(/1 session,/);
});

tui('a dropped connection is shown plainly, with an offer to reconnect that works', async (t) => {
  const term = await startTui(t, 'deploy');
  t.teardown(() => term.close());
  const admin = await library(t, 'boss');
  t.teardown(() => admin.close());
  const [target] = (await admin.client.sessions()).filter((s) => s.user === 'deploy');
  await admin.client.kill(target!.id);
  const screen = await term.waitFor(/Reconnect to deploy@127\.0\.0\.1:\d+\?/);
  t.regex(screen, /✗ disconnected: the server closed the connection/);
  t.regex(screen, /● disconnected/);
  await term.keys('Enter');
  await term.waitFor(/reconnected: session s\d+/);
  await term.line('echo back');
  await term.waitFor(/back\n✓ exit 0/);
  t.pass();
});

tui('a non-admin is told that the sessions view needs admin rights', async (t) => {
  const term = await startTui(t, 'deploy');
  t.teardown(() => term.close());
  await term.keys('F2');
  await term.waitFor(/the sessions view needs admin rights/);
  t.pass();
});
