// `admin` in `keyhole connect` (tmux, real server): the admin password asked for in a hidden prompt, never echoed nor
// kept in the history; the session then has admin rights (prompt, status bar, F2); a wrong password is refused
// and counted by the server as the shell's `admin` is.
import type { ExecutionContext } from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ADMIN_PASSWORD, serverPerFile, type TestServer } from '../../helpers/server.ts';
import { rows, startClient } from './client.ts';
import { closeTmux, limit } from './tmux.ts';

const test = serverPerFile();
const slot = limit(2);
const tui = (title: string, body: (t: ExecutionContext<{ s: TestServer }>) => Promise<void>) =>
  test(title, (t) => slot(() => body(t)));
test.after.always(() => closeTmux());

// Every history file under a client's state dir, joined.
function history(state: string): string {
  const dir = path.join(state, 'keyhole', 'history');
  return readdirSync(dir)
    .map((f) => readFileSync(path.join(dir, f), 'utf8'))
    .join('');
}

for (const size of [
  [80, 24],
  [200, 50],
] as const) {
  tui(
    `admin asks for the admin password without echo, then the session is an admin one (${size.join('x')})`,
    async (t) => {
      const { s } = t.context;
      const c = await startClient(s, 'deploy', size);
      t.teardown(() => c.term.close());
      await c.term.line('admin');
      await c.term.waitFor(/Admin password/);
      await c.term.keys({ text: ADMIN_PASSWORD });
      t.false((await c.term.screen()).includes(ADMIN_PASSWORD), 'the password is not echoed');
      await c.term.keys('Enter');
      const screen = await c.term.waitFor(/Admin rights granted for this session/);
      t.false(screen.includes(ADMIN_PASSWORD));
      const all = rows(screen);
      t.regex(all.at(-2)!, /^deploy@127\.0\.0\.1# *$/, 'the prompt ends in #');
      t.regex(all.at(-1)!, /│ operator \(admin\) │/, 'the status bar says admin');
      const audit = await s.waitForAudit((r) => r.event === 'admin' && r.action === 'elevate' && r.user === 'deploy');
      t.like(audit, { ok: true });
      // The admin views open now.
      await c.term.keys('F2');
      await c.term.waitFor(/ID +USER +ROLE[^\n]*\n[^]*│s\d+\* +deploy +operator/);
      await c.term.keys('Escape');
      // Typed at once, the next keys would follow Esc as one Alt-key: wait for the view to close.
      await c.term.waitFor(/^(?![\s\S]*Sessions \(F2)/);
      await c.term.line('whoami');
      await c.term.waitFor(/deploy \(role operator, admin\)/);
      t.is(history(c.state), 'admin\nwhoami\n', 'the password is not in the history');
    },
  );
}

tui('a wrong admin password is refused with a clear error, audited, and the session stays as it was', async (t) => {
  const { s } = t.context;
  const c = await startClient(s, 'deploy', [80, 24]);
  t.teardown(() => c.term.close());
  await c.term.line('admin');
  await c.term.waitFor(/Admin password/);
  await c.term.keys({ text: 'wrong-guess' }, 'Enter');
  const screen = await c.term.waitFor(/✗ refused: wrong admin password/);
  t.false(screen.includes('wrong-guess'));
  t.regex(rows(screen).at(-2)!, /^deploy@127\.0\.0\.1\$ *$/);
  await s.waitForAudit((r) => r.event === 'admin' && r.action === 'elevate' && r.reason === 'wrong password');
  await c.term.keys('F2');
  await c.term.waitFor(/the sessions view needs admin rights/);
  t.is(history(c.state), 'admin\n');
});

tui('Esc in the password prompt cancels the elevation without counting it', async (t) => {
  const { s } = t.context;
  const c = await startClient(s, 'deploy', [80, 24]);
  t.teardown(() => c.term.close());
  // This client's session only: the other tests of the file share the server and write admin records meanwhile.
  const session = /session (s\d+)\./.exec(await c.term.waitFor(/session s\d+\./))![1];
  const ours = () => s.audit.records.filter((r) => r.event === 'admin' && r.session === session).length;
  await c.term.line('admin');
  await c.term.waitFor(/Admin password/);
  await c.term.keys({ text: 'half' }, 'Escape');
  await c.term.waitFor(/admin elevation cancelled/);
  t.is(ours(), 0);
});

tui('an admin who types admin is told so, and asked for nothing', async (t) => {
  const c = await startClient(t.context.s, 'boss', [80, 24]);
  t.teardown(() => c.term.close());
  await c.term.line('admin');
  const screen = await c.term.waitFor(/You already have admin rights/);
  t.notRegex(screen, /Admin password/);
});
