// Finding 7 of issue 10: a reload revokes. Sessions of a removed user, or whose key or password no longer
// authenticates, are ended with a notice and a `revoked` record; a role change applies to the next command.
import test from 'ava';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { ClientChannel } from 'ssh2';
import type ssh2 from 'ssh2';
import { hashPassword } from '../../src/auth/password.ts';
import { loadConfigText } from '../../src/config/load.ts';
import { connectSsh2, execOn } from '../helpers/clients.ts';
import { Screen } from '../helpers/screen.ts';
import { PASSWORD, withServer, type TestServer } from '../helpers/server.ts';

// Reloads the server with its config file's text after `edit`.
function reloadWith(s: TestServer, edit: (text: string) => string): void {
  const text = edit(readFileSync(s.configFile, 'utf8'));
  const loaded = loadConfigText(text, s.configFile, s.dir);
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  s.server.reload(loaded.config);
}

function plainShell(client: ssh2.Client): Promise<ClientChannel> {
  return new Promise((resolve, reject) => client.shell(false, (err, ch) => (err ? reject(err) : resolve(ch))));
}

test('a removed user is cut off: notice, revoked record, and the old connection runs nothing more', async (t) => {
  const s = await withServer(t);
  const client = await connectSsh2(s.port, 'alice', { password: PASSWORD });
  t.teardown(() => client.end());
  const shell = await plainShell(client);
  const screen = new Screen(shell, shell.stderr);
  shell.write('echo before\n');
  await screen.waitFor('before');
  const closed = once(client, 'close');
  reloadWith(s, (text) => text.replace(/^ {2}alice: .*\n/m, ''));
  await screen.waitFor('session ended: your account was removed by a configuration reload');
  t.like(await s.waitForAudit((r) => r.event === 'revoked'), { user: 'alice', reason: 'user removed' });
  // The finding: a new channel on the old connection still ran commands. Now it cannot even open.
  const late = await execOn(client, 'echo after').catch((err: Error) => err);
  t.true(late instanceof Error || late.stdout === '', 'nothing runs on the revoked connection');
  await closed;
  t.false(s.audit.records.some((r) => r.event === 'command' && r.argv[1] === 'after'));
  t.is(s.server.registry.size, 0);
});

test("a session whose key left authorized_keys is ended; other users' sessions go on", async (t) => {
  const s = await withServer(t);
  const deploy = await connectSsh2(s.port, 'deploy', { privateKey: s.keys.deploy });
  const alice = await connectSsh2(s.port, 'alice', { password: PASSWORD });
  t.teardown(() => [deploy, alice].forEach((c) => c.end()));
  const closed = once(deploy, 'close');
  // deploy keeps its account but its key is another one now.
  const stranger = readFileSync(`${s.keys.stranger}.pub`, 'utf8').trim();
  reloadWith(s, (text) => text.replace(/^( {2}deploy: \{ authorizedKeys: )\S+,/m, `$1["${stranger}"],`));
  await closed;
  t.like(await s.waitForAudit((r) => r.event === 'revoked'), { user: 'deploy', reason: 'key removed' });
  t.is((await execOn(alice, 'echo still')).stdout, 'still\n');
  t.is(s.audit.records.filter((r) => r.event === 'revoked').length, 1);
});

test('a new password ends password sessions of that user, not their key sessions', async (t) => {
  const s = await withServer(t);
  const byPassword = await connectSsh2(s.port, 'boss', { password: PASSWORD });
  const byKey = await connectSsh2(s.port, 'boss', { privateKey: s.keys.boss });
  t.teardown(() => [byPassword, byKey].forEach((c) => c.end()));
  const closed = once(byPassword, 'close');
  const hash = await hashPassword('a-new-secret');
  // A function, not a replacement string: the hash has `$` in it, and `$1`-`$9` after one would be read as a group.
  reloadWith(s, (text) => text.replace(/^( {2}boss: \{ password: )"[^"]+"/m, (_, key: string) => `${key}"${hash}"`));
  await closed;
  t.like(await s.waitForAudit((r) => r.event === 'revoked'), { user: 'boss', reason: 'password changed' });
  t.is((await execOn(byKey, 'echo key')).stdout, 'key\n', 'the key still authenticates');
});

test('a role change applies to the next command of an open shell', async (t) => {
  const s = await withServer(t);
  const client = await connectSsh2(s.port, 'alice', { password: PASSWORD });
  t.teardown(() => client.end());
  const shell = await plainShell(client);
  const screen = new Screen(shell, shell.stderr);
  let at = screen.mark();
  shell.write('whoami\n');
  await screen.waitFor('(role operator,', at);
  reloadWith(s, (text) => text.replace(/^( {2}alice: .*role: )operator/m, '$1admin'));
  at = screen.mark();
  shell.write('whoami\n');
  await screen.waitFor('(role admin, admin,', at);
  at = screen.mark();
  shell.write('sessions\n');
  const table = await screen.waitFor(/1 session/, at);
  t.regex(table.slice(at), /alice\s+admin/, '`sessions` shows the new role');
  t.false(
    s.audit.records.some((r) => r.event === 'revoked'),
    'the login still holds',
  );
});
