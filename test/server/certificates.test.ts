// User certificates end to end with the OpenSSH tools: ssh-keygen signs certificates on the fly, the OpenSSH client
// logs in with them (`-i key` finds key-cert.pub beside it, as always), and what sshd would refuse is refused with
// "Permission denied", the reason in the audit trail.
import anyTest, { type TestFn } from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AuditRecord } from '../../src/audit/events.ts';
import { loadConfigText } from '../../src/config/load.ts';
import { fingerprintSha256 } from '../../src/ssh/fingerprint.ts';
import { runKeyhole } from '../helpers/cli.ts';
import { opensshExec, opensshInteractive } from '../helpers/clients.ts';
import { keygen } from '../helpers/config.ts';
import { Screen } from '../helpers/screen.ts';
import { startServerWith, type TestServer } from '../helpers/server.ts';

interface Context {
  s: TestServer;
  /** Holds the CAs, the KRL and every user key the tests sign. */
  pki: string;
  ca: string;
  otherCa: string;
  /** A key the KRL revokes outright. */
  revokedKey: string;
}
const test = anyTest as TestFn<Context>;
const REVOKED_SERIAL = 666;
let keys = 0;

test.before(async (t) => {
  const pki = mkdtempSync(path.join(tmpdir(), 'keyhole-pki-'));
  const ca = keygen(pki, 'user-ca');
  const otherCa = keygen(pki, 'other-ca');
  const revokedKey = keygen(pki, 'revoked-key');
  writeFileSync(path.join(pki, 'krl.spec'), `serial: ${REVOKED_SERIAL}\n`);
  execFileSync('ssh-keygen', [
    '-q',
    '-k',
    '-f',
    path.join(pki, 'revoked.krl'),
    '-s',
    `${ca}.pub`,
    path.join(pki, 'krl.spec'),
  ]);
  execFileSync('ssh-keygen', ['-q', '-k', '-u', '-f', path.join(pki, 'revoked.krl'), `${revokedKey}.pub`]);
  const pub = (file: string) => readFileSync(`${file}.pub`, 'utf8').trim();
  t.context.s = await startServerWith({
    penalties: '{ exempt: [127.0.0.1, 127.0.0.2] }',
    yaml: `trustedUserCAKeys: ["${pub(ca)}"]\nrevokedKeys: ${pki}/revoked.krl`,
    users: {
      carol: '{ role: operator }',
      dave: '{ role: operator, principals: [oncall, dave-admin] }',
      erin: `{ role: operator, authorizedKeys: [ 'cert-authority,principals="ops" ${pub(otherCa)}' ] }`,
    },
  });
  Object.assign(t.context, { pki, ca, otherCa, revokedKey });
});
test.after.always(async (t) => {
  await t.context.s?.close();
  if (t.context.pki) rmSync(t.context.pki, { recursive: true, force: true });
});

/** A new key signed by `ca` (ssh-keygen -s ca -I id ... args); returns the private key file, the cert beside it. */
function certified(t: { context: Context }, args: string[], ca = t.context.ca, key?: string): string {
  const file = key ?? keygen(t.context.pki, `user-${++keys}`);
  execFileSync('ssh-keygen', ['-q', '-s', ca, ...args, `${file}.pub`], { stdio: 'ignore' });
  return file;
}

const login = (t: { context: Context }, user: string, key: string, command: string | null, extra: string[] = []) =>
  opensshExec(t.context.s.port, user, { privateKey: key }, t.context.s.dir, command, extra);

/** The latest `auth` record of a certificate for `user` with this outcome (ssh tries the plain key after it). */
function lastAuth(s: TestServer, user: string, ok: boolean): Extract<AuditRecord, { event: 'auth' }> | undefined {
  const auths = s.audit.records.filter((r): r is Extract<AuditRecord, { event: 'auth' }> => r.event === 'auth');
  return auths.filter((r) => r.user === user && r.ok === ok && r.keyType?.includes('-cert-')).at(-1);
}

test.serial(
  'an hour-long certificate logs in, and the audit and sessions name its key id, serial and CA',
  async (t) => {
    const { s, ca } = t.context;
    const key = certified(t, ['-I', 'carol@laptop', '-n', 'carol', '-z', '17', '-V', '-5m:+1h']);
    const r = await login(t, 'carol', key, 'echo hello');
    t.is(r.code, 0, r.stderr);
    t.is(r.stdout, 'hello\n');
    const caFingerprint = fingerprintSha256(Buffer.from(readFileSync(`${ca}.pub`, 'utf8').split(' ')[1]!, 'base64'));
    t.like(lastAuth(s, 'carol', true), {
      method: 'publickey',
      keyType: 'ssh-ed25519-cert-v01@openssh.com',
      certificate: { keyId: 'carol@laptop', serial: '17', ca: caFingerprint, principal: 'carol' },
    });
    const start = await s.waitForAudit((a) => a.event === 'session-start' && a.user === 'carol');
    t.like(start, { certificate: { keyId: 'carol@laptop', serial: '17' } });

    // Held open, the session shows in `sessions` with its key id and serial.
    const held = opensshInteractive(s.port, 'carol', { privateKey: key }, s.dir);
    t.teardown(() => held.kill());
    const screen = new Screen(held.stdout!, held.stderr!);
    await screen.waitFor('carol@');
    const list = await opensshExec(s.port, 'boss', { privateKey: s.keys.boss }, s.dir, 'sessions');
    t.is(list.code, 0, list.stderr);
    t.regex(list.stdout, /CERT/);
    t.regex(list.stdout, /carol .*carol@laptop #17/);
  },
);

const refusals: [string, string[], RegExp][] = [
  ['an expired certificate', ['-n', 'carol', '-V', '-2h:-1h'], /expired at/],
  ['a certificate not valid yet', ['-n', 'carol', '-V', '+1h:+2h'], /not valid before/],
  ['a certificate for another principal', ['-n', 'bob,carl'], /principals \(bob, carl\) do not include 'carol'/],
  ['a certificate revoked by serial (KRL)', ['-n', 'carol', '-z', String(REVOKED_SERIAL)], /revoked/],
  [
    'a certificate with an unknown critical option',
    ['-n', 'carol', '-O', 'critical:no-such-option=x'],
    /unsupported critical option 'no-such-option'/,
  ],
  ['a certificate with no principals', [], /no principals/],
];
for (const [what, args, reason] of refusals) {
  test.serial(`${what} is refused with Permission denied, the reason audited`, async (t) => {
    const key = certified(t, ['-I', what, ...args]);
    const r = await login(t, 'carol', key, 'echo no');
    t.is(r.code, 255);
    t.regex(r.stderr, /Permission denied/);
    t.is(r.stdout, '');
    t.regex(String(lastAuth(t.context.s, 'carol', false)?.reason), reason);
  });
}

test.serial('a certificate from a CA nobody trusts is refused', async (t) => {
  const key = certified(t, ['-I', 'rogue', '-n', 'carol'], t.context.otherCa);
  const r = await login(t, 'carol', key, 'echo no');
  t.is(r.code, 255);
  t.regex(String(lastAuth(t.context.s, 'carol', false)?.reason), /CA SHA256:.* not trusted for this user/);
});

test.serial('a key the KRL revokes is refused even inside a valid certificate', async (t) => {
  const key = certified(t, ['-I', 'revoked-key', '-n', 'carol'], t.context.ca, t.context.revokedKey);
  const r = await login(t, 'carol', key, 'echo no');
  t.is(r.code, 255);
  t.regex(String(lastAuth(t.context.s, 'carol', false)?.reason), /revoked/);
});

test.serial('source-address lets 127.0.0.1 in and keeps 127.0.0.2 out', async (t) => {
  const key = certified(t, ['-I', 'pinned', '-n', 'carol', '-O', 'source-address=127.0.0.1/32']);
  const near = await login(t, 'carol', key, 'echo near', ['-b', '127.0.0.1']);
  t.is(near.code, 0, near.stderr);
  t.is(near.stdout, 'near\n');
  const far = await login(t, 'carol', key, 'echo far', ['-b', '127.0.0.2']);
  t.is(far.code, 255);
  t.regex(
    String(lastAuth(t.context.s, 'carol', false)?.reason),
    /address 127\.0\.0\.2 not allowed by the certificate's source-address/,
  );
});

test.serial('force-command runs only its line, whatever the client asks, and still through the policy', async (t) => {
  const key = certified(t, ['-I', 'forced', '-n', 'carol', '-O', 'force-command=echo forced']);
  const asked = await login(t, 'carol', key, 'date');
  t.is(asked.code, 0, asked.stderr);
  t.is(asked.stdout, 'forced\n');
  t.like(
    await t.context.s.waitForAudit(
      (a) => a.event === 'command' && a.user === 'carol' && a.argv.join(' ') === 'echo forced',
    ),
    {
      allowed: true,
    },
  );
  const shell = await login(t, 'carol', key, null);
  t.is(shell.stdout, 'forced\n', 'a shell request runs the forced line too');

  const denied = certified(t, ['-I', 'forced-denied', '-n', 'carol', '-O', 'force-command=cat /etc/shadow']);
  const r = await login(t, 'carol', denied, 'echo anything');
  t.is(r.code, 126, 'the forced line is denied by the policy like any other');
  t.regex(r.stderr, /not permitted|outside|denied/i);
});

test.serial('without permit-pty the pty is refused (ssh -tt then gives up, as it does with sshd)', async (t) => {
  const key = certified(t, ['-I', 'nopty', '-n', 'carol', '-O', 'no-pty']);
  const r = await login(t, 'carol', key, 'echo plain', ['-tt']);
  t.regex(r.stderr, /PTY allocation request failed/);
  t.is(r.code, 255, 'a pty that -tt insists on and does not get is fatal to OpenSSH');
  await t.context.s.waitForAudit((a) => a.event === 'request-refused' && a.user === 'carol' && a.request === 'pty');
  const plain = await login(t, 'carol', key, 'echo plain');
  t.is(plain.stdout, 'plain\n', 'without a pty the same certificate works');
});

test.serial('a user with a principals list takes those names, not the user name', async (t) => {
  const oncall = await login(t, 'dave', certified(t, ['-I', 'dave-oncall', '-n', 'oncall']), 'echo oncall');
  t.is(oncall.code, 0, oncall.stderr);
  const own = await login(t, 'dave', certified(t, ['-I', 'dave-own', '-n', 'dave']), 'echo own');
  t.is(own.code, 255);
  t.regex(String(lastAuth(t.context.s, 'dave', false)?.reason), /do not include any of oncall, dave-admin/);
});

test.serial('a cert-authority line in authorized_keys trusts its CA for that user, with its principals', async (t) => {
  const { otherCa } = t.context;
  const ops = await login(t, 'erin', certified(t, ['-I', 'erin-ops', '-n', 'ops'], otherCa), 'echo ops');
  t.is(ops.code, 0, ops.stderr);
  t.like(lastAuth(t.context.s, 'erin', true), { certificate: { keyId: 'erin-ops', principal: 'ops' } });
  const name = await login(t, 'erin', certified(t, ['-I', 'erin-name', '-n', 'erin'], otherCa), 'echo erin');
  t.is(name.code, 255, 'principals="ops" replaces the user name');
  const elsewhere = await login(t, 'carol', certified(t, ['-I', 'carol-other', '-n', 'carol'], otherCa), 'echo no');
  t.is(elsewhere.code, 255, "erin's CA is not carol's");
});

// authorized_keys options, enforced the way sshd does: from=, expiry-time= and command= (a forced line, through the policy).
test.serial('authorized_keys from=, expiry-time= and command= are enforced for plain keys', async (t) => {
  const { s, pki } = t.context;
  const key = keygen(pki, 'optioned');
  const pub = readFileSync(`${key}.pub`, 'utf8').trim();
  const entry = (options: string) => `${options} ${pub}`;
  const reload = (options: string) => {
    const yaml = readFileSync(s.configFile, 'utf8').replace(/^ {2}frank: .*\n/m, '');
    const users = yaml.replace(
      /^users:\n/m,
      `users:\n  frank: { role: operator, authorizedKeys: ['${entry(options)}'] }\n`,
    );
    writeFileSync(s.configFile, users);
    const loaded = loadConfigText(users, s.configFile, s.dir);
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    s.server.reload(loaded.config);
  };
  reload('from="127.0.0.1"');
  t.is((await login(t, 'frank', key, 'echo near', ['-b', '127.0.0.1'])).stdout, 'near\n');
  t.is((await login(t, 'frank', key, 'echo far', ['-b', '127.0.0.2'])).code, 255);
  t.regex(String(lastPlainAuth(s, 'frank')?.reason), /127\.0\.0\.2/);
  reload('expiry-time="20200101"');
  t.is((await login(t, 'frank', key, 'echo late')).code, 255);
  t.regex(String(lastPlainAuth(s, 'frank')?.reason), /expire/);
  reload('command="echo pinned"');
  const pinned = await login(t, 'frank', key, 'date');
  t.is(pinned.code, 0, pinned.stderr);
  t.is(pinned.stdout, 'pinned\n');
  reload('command="cat /etc/shadow"');
  t.is((await login(t, 'frank', key, 'echo x')).code, 126);
});

function lastPlainAuth(s: TestServer, user: string): Extract<AuditRecord, { event: 'auth' }> | undefined {
  const auths = s.audit.records.filter((r): r is Extract<AuditRecord, { event: 'auth' }> => r.event === 'auth');
  return auths.filter((r) => r.user === user && !r.ok).at(-1);
}

test.serial(
  "keyhole exec logs in with the certificate beside its key, and runs through Keyhole's protocol",
  async (t) => {
    const { s } = t.context;
    const key = certified(t, ['-I', 'carol-bot', '-n', 'carol', '-V', '-5m:+1h']);
    const kh = ['--known-hosts', path.join(s.dir, 'known_hosts_kh'), '--accept-new', '-p', String(s.port), '-i', key];
    const r = await runKeyhole(['exec', ...kh, 'carol@127.0.0.1', '--', 'echo', 'via keyhole']);
    t.is(r.code, 0, r.stderr);
    t.is(r.stdout, 'via keyhole\n');
    t.like(lastAuth(s, 'carol', true), { certificate: { keyId: 'carol-bot' } });
  },
);

test.serial('a forced command refuses the protocol subsystem, saying so in the audit', async (t) => {
  const { s } = t.context;
  const key = certified(t, ['-I', 'carol-forced-bot', '-n', 'carol', '-O', 'force-command=echo forced']);
  const kh = ['--known-hosts', path.join(s.dir, 'known_hosts_kh'), '--accept-new', '-p', String(s.port), '-i', key];
  const r = await runKeyhole(['exec', ...kh, 'carol@127.0.0.1', '--', 'date']);
  t.not(r.code, 0);
  t.regex(r.stderr, /keyhole-v1/);
  await s.waitForAudit((a) => a.event === 'request-refused' && a.user === 'carol' && a.request === 'subsystem');
});

test.serial('a reload with a KRL that now revokes a live certificate ends its session, audited', async (t) => {
  const { s, pki, ca } = t.context;
  const key = certified(t, ['-I', 'carol-later-revoked', '-n', 'carol', '-z', '4242']);
  const held = opensshInteractive(s.port, 'carol', { privateKey: key }, s.dir);
  t.teardown(() => held.kill());
  const screen = new Screen(held.stdout!, held.stderr!);
  await screen.waitFor('carol@');
  const krl = path.join(pki, 'revoked.krl');
  writeFileSync(path.join(pki, 'more.spec'), 'serial: 4242\n');
  execFileSync('ssh-keygen', ['-q', '-k', '-u', '-f', krl, '-s', `${ca}.pub`, path.join(pki, 'more.spec')]);
  const loaded = loadConfigText(readFileSync(s.configFile, 'utf8'), s.configFile, s.dir);
  if (!loaded.ok) return t.fail(loaded.errors.join('\n'));
  s.server.reload(loaded.config);
  const revoked = await s.waitForAudit((a) => a.event === 'revoked' && a.user === 'carol');
  t.regex(String(revoked.event === 'revoked' && revoked.reason), /serial 4242 .* revoked/);
  await screen.waitFor('revoked');
});
