// Key types, the plain (no pty) shell, and `kill`: an admin ends another user's session.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connectSsh2, execOn, opensshArgs, opensshExec } from '../helpers/clients.ts';
import { serverPerFile } from '../helpers/server.ts';

const KEY_TYPES = {
  rsa: ['-t', 'rsa', '-b', '3072'],
  ecdsa: ['-t', 'ecdsa', '-b', '256'],
  ecdsa521: ['-t', 'ecdsa', '-b', '521'],
};

// A key pair of each type, and a user `<type>-user` who logs in with it.
const keyDir = mkdtempSync(path.join(tmpdir(), 'keyhole-keys-'));
const keys: Record<string, string> = {};
const users: Record<string, string> = {};
for (const [name, args] of Object.entries(KEY_TYPES)) {
  keys[name] = path.join(keyDir, name);
  execFileSync('ssh-keygen', ['-q', ...args, '-N', '', '-C', name, '-f', keys[name]!]);
  users[`${name}-user`] = `{ authorizedKeys: ["${readFileSync(`${keys[name]}.pub`, 'utf8').trim()}"], role: operator }`;
}

const test = serverPerFile({ users });
test.after.always(() => rmSync(keyDir, { recursive: true, force: true }));

for (const name of Object.keys(KEY_TYPES)) {
  test(`OpenSSH logs in with an ${name} key (signature verified)`, async (t) => {
    const { s } = t.context;
    const r = await opensshExec(s.port, `${name}-user`, { privateKey: keys[name]! }, s.dir, 'echo ok');
    t.is(r.code, 0, r.stderr);
    t.is(r.stdout, 'ok\n');
  });
}

test('without a pty (ssh -T), lines from stdin run in turn, with no prompt; the last status is the exit status', async (t) => {
  const { s } = t.context;
  const { args, env } = opensshArgs(s.port, 'deploy', { privateKey: s.keys.deploy }, s.dir, ['-T']);
  const ssh = spawn('ssh', args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  ssh.stdout.on('data', (d: Buffer) => (out += d.toString()));
  ssh.stderr.on('data', (d: Buffer) => (err += d.toString()));
  ssh.stdin.end('echo first\nid\necho "last one"\nfalse\n');
  const [code] = await once(ssh, 'close'); // after stdout and stderr are read to their end
  t.is(out, 'first\nlast one\n');
  t.regex(err, /unknown command 'id'/);
  t.is(code, 1);
});

test('an admin ends another session with kill; the killed client is disconnected', async (t) => {
  const { s } = t.context;
  const victim = await connectSsh2(s.port, 'deploy', { privateKey: s.keys.deploy });
  victim.on('error', () => undefined);
  const closed = once(victim, 'close');
  const admin = await connectSsh2(s.port, 'boss', { privateKey: s.keys.boss });
  t.teardown(() => admin.end());
  // Other tests in this file log in as deploy at the same time: ask the victim which session is its own.
  const id = /session (s\d+)\)/.exec((await execOn(victim, 'whoami')).stdout)?.[1];
  const table = await execOn(admin, 'sessions');
  t.regex(table.stdout, new RegExp(`^${id}\\s+deploy\\s`, 'm'), 'the sessions table lists it');
  const r = await execOn(admin, `kill ${id}`);
  t.is(r.code, 0);
  t.regex(r.stdout, new RegExp(`Session ${id} ended`));
  await closed;
  const again = await execOn(admin, `kill ${id}`);
  t.is(again.code, 1);
  t.regex(again.stderr, /no session/);
});
