// The interactive shell driven by keystrokes through OpenSSH with a pty: prompt, history, Ctrl-C, admin elevation.
import { once } from 'node:events';
import { opensshInteractive, connectSsh2 } from '../helpers/clients.ts';
import { ADMIN_PASSWORD, PASSWORD, serverPerFile } from '../helpers/server.ts';
import { Screen } from '../helpers/screen.ts';

const test = serverPerFile();

const UP = '\x1b[A';

test('a pty session shows a prompt, runs commands, recalls history and exits with exit', async (t) => {
  const { s } = t.context;
  const ssh = opensshInteractive(s.port, 'deploy', { privateKey: s.keys.deploy }, s.dir);
  const screen = new Screen(ssh.stdout!, ssh.stderr!);
  await screen.waitFor('deploy@');
  let at = screen.mark();
  ssh.stdin!.write('echo "tty ok"\r');
  await screen.waitFor(/^tty ok$/m, at);
  at = screen.mark();
  ssh.stdin!.write('id\r');
  await screen.waitFor("unknown command 'id'", at);
  at = screen.mark();
  ssh.stdin!.write(`${UP}${UP}\r`); // two entries back: echo "tty ok"
  await screen.waitFor(/^tty ok$/m, at);
  ssh.stdin!.write('exit 3\r');
  const [code] = await once(ssh, 'exit');
  t.is(code, 3);
});

test('Ctrl-C interrupts the running command and the prompt comes back', async (t) => {
  const { s } = t.context;
  const ssh = opensshInteractive(s.port, 'deploy', { privateKey: s.keys.deploy }, s.dir);
  const screen = new Screen(ssh.stdout!, ssh.stderr!);
  await screen.waitFor('deploy@');
  ssh.stdin!.write('sleep 60\r');
  const started = await s.waitForAudit((a) => a.event === 'command' && a.argv[0] === 'sleep' && a.argv[1] === '60');
  const at = screen.mark();
  ssh.stdin!.write('\x03');
  const exit = await s.waitForAudit((a) => a.event === 'exit' && a.argv[1] === '60');
  t.like(exit, { code: 130, canceled: true });
  t.is((started as { session: string }).session, (exit as { session: string }).session);
  await screen.waitFor('deploy@', at);
  ssh.stdin!.write('echo still here\r');
  await screen.waitFor(/^still here$/m, at);
  ssh.stdin!.write('\x04'); // Ctrl-D on an empty line logs out
  const [code] = await once(ssh, 'exit');
  t.is(code, 0);
});

test('admin elevates a session with the admin password, without echo', async (t) => {
  const { s } = t.context;
  const ssh = opensshInteractive(s.port, 'alice', { password: PASSWORD }, s.dir);
  const screen = new Screen(ssh.stdout!, ssh.stderr!);
  await screen.waitFor('alice@');
  let at = screen.mark();
  ssh.stdin!.write('sessions\r');
  await screen.waitFor('needs admin rights', at);
  at = screen.mark();
  ssh.stdin!.write('admin\r');
  await screen.waitFor('Admin password:', at);
  ssh.stdin!.write('wrong\r');
  await screen.waitFor('wrong admin password', at);
  at = screen.mark();
  ssh.stdin!.write('admin\r');
  await screen.waitFor('Admin password:', at);
  ssh.stdin!.write(`${ADMIN_PASSWORD}\r`);
  await screen.waitFor('Admin rights granted', at);
  t.false(screen.text.includes(ADMIN_PASSWORD), 'the password is never echoed');
  at = screen.mark();
  ssh.stdin!.write('sessions\r');
  await screen.waitFor(/\d+ sessions?/, at);
  t.regex(screen.text.slice(at), /alice/);
  ssh.stdin!.write('exit\r');
  await once(ssh, 'exit');
  t.like(
    s.audit.records.filter((r) => r.event === 'admin' && r.action === 'elevate').map((r) => (r as { ok: boolean }).ok),
    [false, true],
  );
});

test('an admin lists two concurrent clients with sessions and show_clients', async (t) => {
  const { s } = t.context;
  const first = await connectSsh2(s.port, 'deploy', { privateKey: s.keys.deploy });
  const second = await connectSsh2(s.port, 'alice', { password: PASSWORD });
  t.teardown(() => {
    first.end();
    second.end();
  });
  const admin = await connectSsh2(s.port, 'boss', { privateKey: s.keys.boss });
  t.teardown(() => admin.end());
  for (const command of ['sessions', 'show_clients']) {
    const out = await new Promise<string>((resolve, reject) =>
      admin.exec(command, (err, ch) => {
        if (err) return reject(err);
        let text = '';
        ch.on('data', (d: Buffer) => (text += d.toString()));
        ch.on('close', () => resolve(text));
      }),
    );
    t.regex(out, /^ID\s+USER\s+ROLE\s+ADDRESS\s+CLIENT\s+SINCE\s+IDLE\s+COMMAND/m);
    t.regex(out, /\bdeploy\s+operator\s+127\.0\.0\.1:\d+\s+ssh2js/m);
    t.regex(out, /\balice\s+operator\b/m);
    t.regex(out, new RegExp(`\\bboss\\s+admin\\b.*\\b${command}\\b`, 'm'));
  }
});

test('several lines pasted at once run one after another, and typing goes on afterwards', async (t) => {
  const { s } = t.context;
  const ssh = opensshInteractive(s.port, 'deploy', { privateKey: s.keys.deploy }, s.dir);
  const screen = new Screen(ssh.stdout!, ssh.stderr!);
  await screen.waitFor('deploy@');
  const at = screen.mark();
  ssh.stdin!.write('echo one\recho two\recho three\r');
  await screen.waitFor(/^three$/m, at);
  t.regex(screen.text.slice(at), /^one$[\s\S]*^two$[\s\S]*^three$/m);
  ssh.stdin!.write('echo four\r');
  await screen.waitFor(/^four$/m, at);
  ssh.stdin!.write('exit\r');
  t.deepEqual(await once(ssh, 'exit'), [0, null]);
});
