// `keyhole totp-enroll`: the real program writes the secret (mode 0600) into the file the config names and prints it,
// its otpauth:// URI and a QR code; oathtool with the printed secret then makes codes the server accepts.
import test from 'ava';
import { chmodSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { MemoryAudit } from '../../src/audit/audit.ts';
import { base32Decode } from '../../src/auth/totp.ts';
import { loadConfigFile } from '../../src/config/load.ts';
import { silentLogger } from '../../src/log.ts';
import { startServer } from '../../src/server/server.ts';
import { runKeyhole } from '../helpers/cli.ts';
import { keygen } from '../helpers/config.ts';
import { withTestConfig } from '../helpers/server.ts';
import { askpass, freshCode, sshTwoFactors } from '../helpers/totp.ts';

const FAY =
  '{ authorizedKeys: $DIR/fay.pub, role: operator, authenticationMethods: [publickey, keyboard-interactive] }';

// What the command printed: the secret and the URI lines.
function printed(stdout: string): { secret: string; uri: URL } {
  const secret = /^secret: ([A-Z2-7]+)$/m.exec(stdout)?.[1];
  const uri = /^uri: +(\S+)$/m.exec(stdout)?.[1];
  if (!secret || !uri) throw new Error(`unexpected output:\n${stdout}`);
  return { secret, uri: new URL(uri) };
}

test('enrolling writes a 0600 file, prints secret, URI and QR code; the code it yields logs in', async (t) => {
  const c = await withTestConfig(t, { users: { fay: FAY }, yaml: 'totp: { secrets: totp-secrets }' });
  const key = keygen(c.dir, 'fay');
  const file = path.join(c.dir, 'totp-secrets');
  // Before enrolling, the config does not load, and says how to fix that.
  const before = loadConfigFile(c.configFile);
  t.false(before.ok);
  if (!before.ok) t.regex(before.errors.join('\n'), /run keyhole totp-enroll fay --config /);

  const r = await runKeyhole(['totp-enroll', 'fay', '--config', c.configFile, '--host', 'keyhole.test']);
  t.is(r.code, 0, r.stderr);
  t.is(statSync(file).mode & 0o777, 0o600);
  const { secret, uri } = printed(r.stdout);
  t.is(base32Decode(secret)?.length, 20); // 160 bits
  t.is(uri.protocol, 'otpauth:');
  t.is(uri.host, 'totp');
  t.is(decodeURIComponent(uri.pathname), '/Keyhole:fay@keyhole.test');
  t.is(uri.searchParams.get('secret'), secret);
  t.is(uri.searchParams.get('issuer'), 'Keyhole');
  t.regex(r.stdout, /[█▀▄]{10}/); // the QR code's blocks
  t.is(readFileSync(file, 'utf8'), `fay ${secret}\n`);

  const loaded = loadConfigFile(c.configFile);
  if (!loaded.ok) return t.fail(loaded.errors.join('\n'));
  const audit = new MemoryAudit();
  const server = await startServer(loaded.config, { audit, log: silentLogger });
  t.teardown(() => server.shutdown('test over'));
  const login = await sshTwoFactors(server.port, 'fay', askpass(c.dir, 'fay', freshCode(secret)), { key });
  t.is(login.code, 0, login.stderr);
  t.is(login.stdout, 'two-factors\n');
  t.false(JSON.stringify(audit.records).includes(secret));
});

test("enrolling again replaces the user's secret, keeps the other lines and makes the file 0600 again", async (t) => {
  const c = await withTestConfig(t, { users: { fay: FAY }, yaml: 'totp: { secrets: totp-secrets }' });
  const file = path.join(c.dir, 'totp-secrets');
  const args = ['totp-enroll', 'fay', '--config', c.configFile];
  const first = printed((await runKeyhole(args)).stdout).secret;
  t.is((await runKeyhole(['totp-enroll', 'alice', '--config', c.configFile])).code, 0);
  chmodSync(file, 0o644);
  const second = printed((await runKeyhole(args)).stdout).secret;
  t.not(second, first);
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  t.is(lines.length, 2);
  t.is(lines[0], `fay ${second}`);
  t.regex(lines[1]!, /^alice [A-Z2-7]{32}$/);
  t.is(statSync(file).mode & 0o777, 0o600);
});

test('an unknown user, or a config without totp, is refused and nothing is written', async (t) => {
  const c = await withTestConfig(t, { yaml: 'totp: { secrets: totp-secrets }' });
  const unknown = await runKeyhole(['totp-enroll', 'nobody', '--config', c.configFile]);
  t.is(unknown.code, 1);
  t.is(unknown.stderr, `keyhole: no user 'nobody' in ${c.configFile}: add it under users: first\n`);
  t.is(unknown.stdout, '');
  t.throws(() => statSync(path.join(c.dir, 'totp-secrets')), { code: 'ENOENT' });
  const plain = await withTestConfig(t);
  const none = await runKeyhole(['totp-enroll', 'alice', '--config', plain.configFile]);
  t.is(none.code, 1);
  t.regex(none.stderr, /names no secrets file: add {2}totp: \{ secrets: totp-secrets \} {2}to it/);
});
