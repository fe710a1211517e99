// keyhole-v1's `elevate` frame end to end: the admin password grants admin rights to the protocol session, as the
// shell's `admin` builtin does, with the same rights checks, the same counting of wrong passwords and the same audit.
import type { ExecutionContext } from 'ava';
import { parseClientFrame } from '../../src/protocol/client-frames.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openLink } from '../../src/client/ui/link.ts';
import { ask, openFor } from '../helpers/protocol.ts';
import { ADMIN_PASSWORD, serverPerFile, withServer, type TestServer } from '../helpers/server.ts';

const test = serverPerFile();
type T = ExecutionContext<{ s: TestServer }>;

const open = (t: T, user: 'deploy' | 'boss', s = t.context.s) => openFor(t, s, user);

test('an elevate frame is parsed with its password; one without a password is a bad frame', (t) => {
  t.deepEqual(parseClientFrame('{"type":"elevate","id":"e","password":"pw"}'), {
    ok: true,
    frame: { type: 'elevate', id: 'e', password: 'pw' },
  });
  t.like(parseClientFrame('{"type":"elevate","id":"e"}'), { ok: false, id: 'e', code: 'bad_frame' });
  t.like(parseClientFrame('{"type":"elevate","id":"e","password":7}'), { ok: false, code: 'bad_frame' });
});

test('hello and list tell a user whose role may elevate that the elevate frame is there', async (t) => {
  const deploy = await open(t, 'deploy');
  t.like(deploy.hello, { admin: false, elevate: true });
  const list = await ask(deploy, { type: 'list', id: 'l' });
  t.deepEqual(list.frames, ['hello', 'run', 'cancel', 'list', 'elevate']);
  const boss = await open(t, 'boss');
  t.like(boss.hello, { admin: true, elevate: false });
});

test('the right admin password makes the session an admin one: the admin frames work, and it is audited', async (t) => {
  const p = await open(t, 'deploy');
  t.like(await ask(p, { type: 'sessions', id: 'before' }), { type: 'error', code: 'not_admin' });
  t.like(await ask(p, { type: 'elevate', id: 'e', password: ADMIN_PASSWORD }), { type: 'ok', action: 'elevate' });
  t.like(await ask(p, { type: 'sessions', id: 'after' }), { type: 'sessions' });
  const list = await ask(p, { type: 'list', id: 'l' });
  t.deepEqual(list.frames, ['hello', 'run', 'cancel', 'list', 'sessions', 'kill', 'shutdown']);
  const audit = await t.context.s.waitForAudit(
    (r) => r.event === 'admin' && r.action === 'elevate' && r.session === p.hello.session,
  );
  t.like(audit, { ok: true, user: 'deploy' });
  t.false(JSON.stringify(t.context.s.audit.records).includes(ADMIN_PASSWORD));
});

test('a wrong admin password is refused with wrong_password and audited', async (t) => {
  const p = await open(t, 'deploy');
  const answer = await ask(p, { type: 'elevate', id: 'e', password: 'not-it' });
  t.like(answer, { type: 'error', code: 'wrong_password' });
  t.regex(String(answer.message), /wrong admin password/);
  t.like(await ask(p, { type: 'sessions', id: 's' }), { type: 'error', code: 'not_admin' });
  const audit = await t.context.s.waitForAudit(
    (r) => r.event === 'admin' && r.action === 'elevate' && r.session === p.hello.session,
  );
  t.like(audit, { ok: false, reason: 'wrong password' });
  t.false(JSON.stringify(t.context.s.audit.records).includes('not-it'));
});

test('an admin that elevates is told it is one already', async (t) => {
  const p = await open(t, 'boss');
  t.like(await ask(p, { type: 'elevate', id: 'e', password: 'anything' }), { type: 'ok', action: 'elevate' });
});

test('wrong passwords count as in the shell: the limit locks elevation out, even for the right password', async (t) => {
  const s = await withServer(t, { limits: 'maxAdminFailures: 2, adminFailDelay: 10ms' });
  const p = await open(t, 'deploy', s);
  t.like(await ask(p, { type: 'elevate', id: 'e1', password: 'guess-1' }), { code: 'wrong_password' });
  const second = await ask(p, { type: 'elevate', id: 'e2', password: 'guess-2' });
  t.like(second, { code: 'wrong_password' });
  t.regex(String(second.message), /locked/);
  const locked = await ask(p, { type: 'elevate', id: 'e3', password: ADMIN_PASSWORD });
  t.like(locked, { type: 'error', code: 'denied' });
  t.regex(String(locked.message), /admin elevation is locked/);
  // Another channel of the same user is locked out as well: the server counts per user, not per channel.
  const other = await open(t, 'deploy', s);
  t.like(await ask(other, { type: 'elevate', id: 'e4', password: ADMIN_PASSWORD }), { code: 'denied' });
});

test('the client library elevates a session, and says so in its admin flag', async (t) => {
  const { s } = t.context;
  const hosts = path.join(s.dir, 'known_hosts-elevate');
  const pub = readFileSync(`${s.server.hostKeys[0]!.file}.pub`, 'utf8').split(' ');
  writeFileSync(hosts, `[127.0.0.1]:${s.port} ${pub[0]} ${pub[1]}\n`);
  const link = await openLink({
    host: '127.0.0.1',
    port: s.port,
    username: 'deploy',
    privateKeyPath: s.keys.deploy,
    knownHosts: hosts,
  });
  const { client } = link;
  t.teardown(() => client.close());
  t.false(client.admin);
  t.true(client.hello.elevate);
  await t.throwsAsync(client.elevate('nope'), { message: /wrong admin password/ });
  t.false(client.admin);
  await client.elevate(ADMIN_PASSWORD);
  t.true(client.admin);
  t.true((await client.sessions()).length > 0);
});
