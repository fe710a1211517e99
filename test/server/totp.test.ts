// Two factors end to end: the real server, the OpenSSH client answering the code prompt through SSH_ASKPASS with
// codes that oathtool computes. A person logs in with key + code or password + code; a bot keeps logging in by key.
import test, { type ExecutionContext } from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AuditRecord } from '../../src/audit/events.ts';
import { base32Encode, totpAt } from '../../src/auth/totp.ts';
import { hashPassword } from '../../src/auth/password.ts';
import { keygen } from '../helpers/config.ts';
import { PASSWORD, withServer, type TestServer } from '../helpers/server.ts';
import { askpass, freshCode, sshTwoFactors as ssh } from '../helpers/totp.ts';

const SECRET = base32Encode(Buffer.from('keyhole-two-factors!')); // 160 bits
const FRESH = freshCode(SECRET);

interface Fixture {
  readonly s: TestServer;
  readonly dir: string;
  readonly key: string;
}

// A server whose carol needs [publickey, keyboard-interactive], erin [password, keyboard-interactive], and whose bot
// logs in by key alone; carol and erin share SECRET in a 0600 file. `limits` adds limits entries.
async function twoFactorServer(t: ExecutionContext, limits = ''): Promise<Fixture> {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyhole-totp-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const secrets = path.join(dir, 'totp-secrets');
  writeFileSync(secrets, `# test\ncarol ${SECRET}\nerin ${SECRET}\n`, { mode: 0o600 });
  const key = keygen(dir, 'carol');
  const hash = await hashPassword(PASSWORD);
  const s = await withServer(t, {
    users: {
      carol: `{ authorizedKeys: ${key}.pub, role: operator, authenticationMethods: [publickey, keyboard-interactive] }`,
      erin: `{ password: "${hash}", role: operator, authenticationMethods: [password, keyboard-interactive] }`,
      bot: `{ authorizedKeys: ${key}.pub, role: operator, authenticationMethods: [publickey] }`,
    },
    yaml: `totp: { secrets: ${secrets} }`,
    limits,
  });
  return { s, dir, key };
}

const authRecords = (s: TestServer, user: string) =>
  s.audit.records.filter((r): r is Extract<AuditRecord, { event: 'auth' }> => r.event === 'auth' && r.user === user);

// A code that no step near now has (so it is wrong now, and for the next minutes).
function wrongCode(): string {
  const secret = Buffer.from('keyhole-two-factors!');
  const near = [-3, -2, -1, 0, 1, 2, 3].map((d) => totpAt(secret, Date.now() + d * 30_000));
  return ['123456', '654321', '111111'].find((c) => !near.includes(c))!;
}

// Nothing in the audit is the secret or a code that was typed.
function assertNoSecrets(t: ExecutionContext, s: TestServer, codes: string[]) {
  const text = JSON.stringify(s.audit.records);
  t.false(text.includes(SECRET), 'the secret is in the audit');
  for (const code of codes) t.notRegex(text, new RegExp(`(?<![0-9A-Za-z+/])${code}(?![0-9A-Za-z+/])`), code);
}

test('key + code: the key is a partial success, the code from oathtool completes the login', async (t) => {
  const { s, dir, key } = await twoFactorServer(t);
  const r = await ssh(s.port, 'carol', askpass(dir, 'fresh', FRESH), { key });
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, 'two-factors\n');
  const records = authRecords(s, 'carol');
  t.like(records[0], { method: 'publickey', ok: true, partial: true, reason: 'keyboard-interactive next' });
  t.like(records.at(-1), { method: 'keyboard-interactive', ok: true });
  t.is(records.at(-1)?.fingerprint, records[0]?.fingerprint); // the login is the key's, confirmed by the code
  t.regex(readFileSync(path.join(dir, 'prompts'), 'utf8'), /Verification code: /);
  const session = await s.waitForAudit((rec) => rec.event === 'session-start' && rec.user === 'carol');
  t.truthy(session);
  const typed = execFileSync('oathtool', ['--totp', '-b', SECRET], { encoding: 'utf8' }).trim();
  assertNoSecrets(t, s, [typed]);
});

test('a wrong code is refused (ssh exits 255), audited, and counted against maxAuthTries', async (t) => {
  const { s, dir, key } = await twoFactorServer(t, 'maxAuthTries: 2');
  const code = wrongCode();
  const r = await ssh(s.port, 'carol', askpass(dir, 'wrong', code), {
    key,
    extra: ['-o', 'NumberOfPasswordPrompts=5'],
  });
  t.is(r.code, 255);
  t.is(r.stdout, '');
  const wrong = authRecords(s, 'carol').filter((rec) => rec.method === 'keyboard-interactive');
  // Two failures end the connection: the client would have asked five times.
  t.deepEqual(
    wrong.map((rec) => [rec.ok, rec.reason]),
    [
      [false, 'wrong code'],
      [false, 'wrong code'],
    ],
  );
  t.false(s.audit.records.some((rec) => rec.event === 'session-start'));
  assertNoSecrets(t, s, [code]);
});

test('a code that opened one login is refused for the next (ssh exits 255)', async (t) => {
  const { s, dir, key } = await twoFactorServer(t);
  const code = execFileSync('oathtool', ['--totp', '-b', SECRET], { encoding: 'utf8' }).trim();
  const once = askpass(dir, 'once', code);
  const first = await ssh(s.port, 'carol', once, { key });
  t.is(first.code, 0, first.stderr);
  const again = await ssh(s.port, 'carol', once, { key, extra: ['-o', 'NumberOfPasswordPrompts=1'] });
  t.is(again.code, 255);
  t.is(again.stdout, '');
  const kbd = authRecords(s, 'carol').filter((rec) => rec.method === 'keyboard-interactive');
  t.deepEqual(
    kbd.map((rec) => [rec.ok, rec.reason]),
    [
      [true, undefined],
      [false, 'code already used'],
    ],
  );
  // The same code for another user who shares the secret is that user's first use of it.
  const erin = await ssh(s.port, 'erin', once);
  t.is(erin.code, 0, erin.stderr);
  assertNoSecrets(t, s, [code]);
});

test('password + code works; the password alone does not', async (t) => {
  const { s, dir } = await twoFactorServer(t);
  const r = await ssh(s.port, 'erin', askpass(dir, 'fresh', FRESH));
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, 'two-factors\n');
  const records = authRecords(s, 'erin');
  t.like(records[0], { method: 'password', ok: true, partial: true });
  t.like(records.at(-1), { method: 'keyboard-interactive', ok: true });
  // Without keyboard-interactive the client has nothing left to offer after the partial success.
  const onlyPassword = await ssh(s.port, 'erin', askpass(dir, 'fresh', FRESH), {
    extra: ['-o', 'KbdInteractiveAuthentication=no'],
  });
  t.is(onlyPassword.code, 255);
  t.is(authRecords(s, 'erin').filter((rec) => rec.method === 'keyboard-interactive').length, 1);
});

test('the key alone does not log in a user who owes a code; a key-only bot is not asked for one', async (t) => {
  const { s, dir, key } = await twoFactorServer(t);
  const noCode = await ssh(s.port, 'carol', askpass(dir, 'fresh', FRESH), {
    key,
    extra: ['-o', 'KbdInteractiveAuthentication=no'],
  });
  t.is(noCode.code, 255);
  t.false(s.audit.records.some((rec) => rec.event === 'session-start'));
  const bot = await ssh(s.port, 'bot', askpass(dir, 'bot', FRESH), { key });
  t.is(bot.code, 0, bot.stderr);
  t.is(bot.stdout, 'two-factors\n');
  t.deepEqual(
    authRecords(s, 'bot').map((rec) => [rec.method, rec.ok, rec.partial]),
    [['publickey', true, undefined]],
  );
  // The shared deploy user (no authenticationMethods) logs in by key as before.
  const deploy = await ssh(s.port, 'deploy', askpass(dir, 'deploy', FRESH), { key: s.keys.deploy });
  t.is(deploy.code, 0, deploy.stderr);
});
