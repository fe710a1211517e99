// keyhole-v1 sessions end to end: the admin frames, the end of a session (EOF, a vanished client, shutdown), and the
// subsystem through stock OpenSSH (`ssh -s ... keyhole-v1`).
import type { ExecutionContext } from 'ava';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { opensshArgs } from '../helpers/clients.ts';
import { ask, loginProtocol, openFor, parseFrames } from '../helpers/protocol.ts';
import { serverPerFile, withServer, type TestServer } from '../helpers/server.ts';

// Every test logs in at the same moment: the shared config's maxStartups (200, not the default 10) allows it.
const test = serverPerFile();
type T = ExecutionContext<{ s: TestServer }>;

const open = (t: T, user: 'deploy' | 'boss', s = t.context.s) => openFor(t, s, user);

const running = (args: string) =>
  execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .split('\n')
    .some((l) => l.trim() === args);

for (const frame of [{ type: 'sessions' }, { type: 'kill', session: 's1' }, { type: 'shutdown' }]) {
  test(`a ${frame.type} frame from a user without admin rights is refused with not_admin`, async (t) => {
    const p = await open(t, 'deploy');
    const answer = await ask(p, { ...frame, id: 'q' });
    t.like(answer, { type: 'error', code: 'not_admin' });
    t.regex(String(answer.message), /needs admin rights/);
    const audit = await t.context.s.waitForAudit(
      (r) => r.event === 'admin' && r.session === p.hello.session && r.action === frame.type,
    );
    t.like(audit, { ok: false });
  });
}

test('an admin lists the sessions, with what each one runs now', async (t) => {
  const boss = await open(t, 'boss');
  t.like(boss.hello, { admin: true, role: 'admin' });
  const deploy = await open(t, 'deploy');
  deploy.send({ type: 'run', id: 'w', argv: ['sleep', '3701'] });
  await deploy.next((f) => f.id === 'w' && f.type === 'started');
  const answer = await ask(boss, { type: 'sessions', id: 'q' });
  const sessions = answer.sessions as { id: string; user: string; command: string | null; idleMs: number }[];
  t.like(
    sessions.find((s) => s.id === boss.hello.session),
    { user: 'boss', command: 'sessions' },
  );
  t.like(
    sessions.find((s) => s.id === deploy.hello.session),
    { user: 'deploy', command: 'sleep 3701' },
  );
  deploy.send({ type: 'cancel', id: 'w' });
  await deploy.end('w');
});

test('an admin sees the admin frames in list', async (t) => {
  const boss = await open(t, 'boss');
  const list = await ask(boss, { type: 'list', id: 'l' });
  t.deepEqual(list.frames, ['hello', 'run', 'cancel', 'list', 'sessions', 'kill', 'shutdown']);
});

test('an admin ends another session with a kill frame; its runs are killed and its channel closes', async (t) => {
  const boss = await open(t, 'boss');
  const victim = await open(t, 'deploy');
  victim.send({ type: 'run', id: 'v', argv: ['sleep', '3702'] });
  await victim.next((f) => f.id === 'v' && f.type === 'started');
  t.like(await ask(boss, { type: 'kill', id: 'k', session: String(victim.hello.session) }), {
    type: 'ok',
    action: 'kill',
  });
  await victim.closed;
  const exit = await t.context.s.waitForAudit((r) => r.event === 'exit' && r.argv.includes('3702'));
  t.like(exit, { canceled: true });
  t.false(running('sleep 3702'));
  t.like(await ask(boss, { type: 'kill', id: 'k2', session: 's9999' }), { type: 'error', code: 'no_such_session' });
});

test('after the client’s EOF, runs in flight finish, then the channel exits with status 0', async (t) => {
  const p = await open(t, 'deploy');
  p.send({ type: 'run', id: 'a', argv: ['sleep', '1'] });
  p.send({ type: 'run', id: 'b', argv: ['echo', 'last words'] });
  p.channel.end();
  t.is(await p.closed, 0);
  t.like(p.of('a').at(-1), { type: 'exit', code: 0 });
  t.is(p.output('b').toString(), 'last words\n');
});

test('requests sent just before EOF are still answered', async (t) => {
  const p = await open(t, 'deploy');
  p.send({ type: 'sessions', id: 'q' });
  p.send({ type: 'list', id: 'l' });
  p.channel.end();
  t.is(await p.closed, 0);
  t.like(p.of('q')[0], { type: 'error', code: 'not_admin' });
  t.like(p.of('l')[0], { type: 'list' });
});

test('a client that disconnects mid-run leaves no process, an audited exit, and no session behind', async (t) => {
  const { s } = t.context;
  const { client, p, hello } = await loginProtocol(s, 'deploy');
  p.send({ type: 'run', id: 'gone', argv: ['sleep', '3703'] });
  await p.next((f) => f.id === 'gone' && f.type === 'started');
  client.end();
  const exit = await s.waitForAudit((r) => r.event === 'exit' && r.argv.includes('3703'));
  t.like(exit, { canceled: true, session: hello.session });
  t.false(running('sleep 3703'));
  await s.waitForAudit((r) => r.event === 'disconnect' && r.session === hello.session);
  t.is(s.server.registry.get(String(hello.session)), undefined);
});

test('an admin’s shutdown frame is answered, then the server shuts down', async (t) => {
  const s = await withServer(t);
  const boss = await open(t, 'boss', s);
  boss.send({ type: 'shutdown', id: 'bye' });
  boss.channel.end();
  t.like(await boss.next((f) => f.id === 'bye'), { type: 'ok', action: 'shutdown' });
  await s.server.closed;
  t.like(await s.waitForAudit((r) => r.event === 'admin' && r.action === 'shutdown'), { ok: true });
});

test('stock OpenSSH opens the subsystem with ssh -s: frames on stdin, frames on stdout, exit status 0', async (t) => {
  const { s } = t.context;
  const { args, env } = opensshArgs(s.port, 'deploy', { privateKey: s.keys.deploy }, s.dir, ['-s']);
  const ssh = spawn('ssh', [...args, 'keyhole-v1'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  ssh.stdout.on('data', (d: Buffer) => (out += d.toString()));
  ssh.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const frames = [
    { type: 'hello', client: 'openssh', versions: [1] },
    { type: 'run', id: 'a', argv: ['echo', 'via openssh'] },
    { type: 'run', id: 'b', argv: ['id'] },
  ];
  ssh.stdin.end(frames.map((f) => `${JSON.stringify(f)}\n`).join(''));
  const [code] = await once(ssh, 'close'); // 'exit' may come before stdout is read to its end
  t.is(code, 0, err);
  const got = parseFrames(out);
  t.like(got[0], { type: 'hello', user: 'deploy', protocol: 1 });
  const a = got.filter((f) => f.id === 'a');
  t.deepEqual(
    a.map((f) => f.type),
    ['started', 'stdout', 'exit'],
  );
  t.is(Buffer.from(String(a[1]!.data), 'base64').toString(), 'via openssh\n');
  t.like(
    got.find((f) => f.id === 'b'),
    { type: 'error', code: 'unknown_command' },
  );
});

test('a subsystem other than keyhole-v1 is refused', async (t) => {
  const { s } = t.context;
  const { args, env } = opensshArgs(s.port, 'deploy', { privateKey: s.keys.deploy }, s.dir, ['-s']);
  const ssh = spawn('ssh', [...args, 'keyhole-v2'], { env, stdio: ['pipe', 'ignore', 'pipe'] });
  ssh.stdin.end();
  const [code] = await once(ssh, 'close'); // 'exit' may come before stdout is read to its end
  t.not(code, 0);
  await s.waitForAudit((r) => r.event === 'request-refused' && r.request === 'subsystem' && r.detail === 'keyhole-v2');
  t.pass();
});
