// `keyhole init DIR`: a first config that check-config accepts and a server that runs it, keys included; it never
// overwrites; a password it asks for must be long enough.
import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runKeyhole, startServeProcess } from '../helpers/cli.ts';
import { connectSsh2, execOn } from '../helpers/clients.ts';

function tempDir(t: { teardown: (fn: () => void) => void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyhole-init-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('init --no-prompt writes a config that loads and serves, and prints the password once', async (t) => {
  const dir = tempDir(t);
  const r = await runKeyhole(['init', dir, '--no-prompt', '--port', '0']);
  t.is(r.code, 0, r.stderr);
  const password = /alice's password .*: (\S+)$/m.exec(r.stdout)?.[1];
  t.truthy(password, r.stdout);
  t.regex(r.stdout, /^Next:$/m);
  const config = path.join(dir, 'keyhole.yaml');
  t.is(statSync(config).mode & 0o777, 0o600);
  t.is(statSync(path.join(dir, 'keys', 'deploy')).mode & 0o777, 0o600);
  t.false(readFileSync(config, 'utf8').includes(password!), 'only the hash is in the config');
  const check = await runKeyhole(['check-config', config]);
  t.is(check.code, 0, check.stderr);
  t.regex(check.stdout, /user deploy: role deploy, 1 key\(s\); may run disk uptime/);

  const server = await startServeProcess(config);
  t.teardown(() => server.child.kill('SIGKILL'));
  const bot = await connectSsh2(server.port, 'deploy', { privateKey: path.join(dir, 'keys', 'deploy') });
  t.teardown(() => bot.end());
  t.is((await execOn(bot, 'uptime')).code, 0);
  const person = await connectSsh2(server.port, 'alice', { password: password! });
  t.teardown(() => person.end());
  t.is((await execOn(person, 'echo hello')).stdout, 'hello\n');
});

test('init never overwrites a config that is there', async (t) => {
  const dir = tempDir(t);
  writeFileSync(path.join(dir, 'keyhole.yaml'), '# mine\n');
  const r = await runKeyhole(['init', dir, '--no-prompt']);
  t.is(r.code, 1);
  t.regex(r.stderr.trim(), /keyhole\.yaml exists already; nothing was written/);
  t.is(readFileSync(path.join(dir, 'keyhole.yaml'), 'utf8'), '# mine\n');
});

test('init reads the password from stdin when not on a terminal, and refuses a short one', async (t) => {
  const short = await runKeyhole(['init', tempDir(t)], 'short\n');
  t.is(short.code, 1);
  t.regex(short.stderr, /needs at least 12 characters/);
  const dir = tempDir(t);
  const long = await runKeyhole(['init', dir, '--port', '0'], 'a-long-enough-password\n');
  t.is(long.code, 0, long.stderr);
  t.notRegex(long.stdout, /alice's password/);
});
