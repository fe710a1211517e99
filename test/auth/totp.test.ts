import test from 'ava';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import {
  base32Decode,
  base32Encode,
  checkCode,
  hotp,
  otpauthUri,
  timeStep,
  totpAt,
  UsedCodes,
} from '../../src/auth/totp.ts';
import { parseTotpSecrets, withSecretLine } from '../../src/auth/totp-secrets.ts';

// RFC 4226 appendix D and RFC 6238 appendix B (SHA1): the secret is the ASCII string "12345678901234567890".
const RFC_SECRET = Buffer.from('12345678901234567890');
const HOTP_VECTORS = [
  '755224',
  '287082',
  '359152',
  '969429',
  '338314',
  '254676',
  '287922',
  '162583',
  '399871',
  '520489',
];
const TOTP_VECTORS: [number, string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];
const STEP_MS = 30_000;
const secretArb = fc.uint8Array({ minLength: 16, maxLength: 40 }).map((a) => Buffer.from(a));
// Moments between 2001 and 2100, in milliseconds.
const nowArb = fc.integer({ min: 1_000_000_000_000, max: 4_102_444_800_000 });

test('HOTP matches the RFC 4226 test vectors', (t) => {
  HOTP_VECTORS.forEach((code, counter) => t.is(hotp(RFC_SECRET, counter), code));
});

test('TOTP matches the RFC 6238 test vectors (SHA1, 8 digits)', (t) => {
  for (const [seconds, code] of TOTP_VECTORS) t.is(totpAt(RFC_SECRET, seconds * 1000, 8), code, `T=${seconds}`);
});

test('TOTP agrees with oathtool', (t) => {
  const secret = Buffer.from('0123456789abcdef0123', 'utf8');
  const now = Date.UTC(2026, 11, 3, 7, 0, 0);
  const iso = new Date(now)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
  const code = execFileSync('oathtool', ['--totp', '-b', '-N', iso, base32Encode(secret)], { encoding: 'utf8' });
  t.is(code.trim(), totpAt(secret, now));
});

test('base32 round-trips any bytes, and reads lower case, spaces and padding', (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      const text = base32Encode(bytes);
      t.regex(text, /^[A-Z2-7]*$/);
      if (bytes.length > 0) t.deepEqual([...base32Decode(text)!], [...bytes]);
    }),
  );
  t.deepEqual(base32Decode('mzxw 6ytb oi======'), Buffer.from('foobar'));
  t.is(base32Encode(Buffer.from('foobar')), 'MZXW6YTBOI');
  t.is(base32Decode('MZXW1'), null); // 1 is not base32
  t.is(base32Decode(''), null);
});

test('a code of the current step, or one step either side, is accepted', (t) => {
  fc.assert(
    fc.property(secretArb, nowArb, fc.integer({ min: -1, max: 1 }), (secret, now, drift) => {
      const r = checkCode(secret, totpAt(secret, now + drift * STEP_MS), now);
      t.true(r.ok);
      if (r.ok) t.true(Math.abs(r.step - timeStep(now)) <= 1);
    }),
  );
});

test('a code two or more steps away is refused as wrong', (t) => {
  fc.assert(
    fc.property(secretArb, nowArb, fc.integer({ min: 2, max: 1000 }), fc.boolean(), (secret, now, d, late) => {
      const code = totpAt(secret, now + (late ? d : -d) * STEP_MS);
      // A code of another step may equal one in the window by chance (about 3 in a million): not this property.
      fc.pre(![-1, 0, 1].some((w) => totpAt(secret, now + w * STEP_MS) === code));
      t.deepEqual(checkCode(secret, code, now), { ok: false, reason: 'wrong code' });
    }),
  );
});

test('anything but the six digits is refused, whatever its length', (t) => {
  const secret = Buffer.alloc(20, 9);
  const now = Date.UTC(2026, 0, 1);
  const code = totpAt(secret, now);
  for (const given of ['', code.slice(0, 5), `${code}0`, `0${code}`, 'abcdef', `${code}\0`]) {
    t.false(checkCode(secret, given, now).ok, JSON.stringify(given));
  }
  t.true(checkCode(secret, ` ${code}\n`, now).ok); // surrounding blanks, as a terminal may send them
});

test('a step at or before the last accepted one is refused as already used', (t) => {
  fc.assert(
    fc.property(secretArb, nowArb, fc.integer({ min: -1, max: 1 }), (secret, now, drift) => {
      const code = totpAt(secret, now + drift * STEP_MS);
      const first = checkCode(secret, code, now);
      t.true(first.ok);
      if (!first.ok) return;
      t.deepEqual(checkCode(secret, code, now, first.step), { ok: false, reason: 'code already used' });
      t.deepEqual(checkCode(secret, code, now + STEP_MS, first.step).ok, false);
      // The next step's code is still good.
      const next = totpAt(secret, (first.step + 1) * STEP_MS);
      fc.pre(next !== code);
      t.true(checkCode(secret, next, now, first.step).ok || first.step + 1 > timeStep(now) + 1);
    }),
  );
});

test('UsedCodes claims each step of a user once, and newer steps only', (t) => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.constantFrom('alice', 'bob'), fc.integer({ min: -1, max: 1 }))), (claims) => {
      const used = new UsedCodes();
      const now = Date.UTC(2026, 0, 1);
      const base = timeStep(now);
      const best = new Map<string, number>();
      for (const [user, d] of claims) {
        const step = base + d;
        const fresh = !best.has(user) || step > best.get(user)!;
        t.is(used.claim(user, step, now), fresh);
        if (fresh) best.set(user, step);
      }
    }),
  );
});

test('UsedCodes forgets steps that left the window, so memory stays bounded', (t) => {
  const used = new UsedCodes();
  const start = Date.UTC(2026, 0, 1);
  for (let i = 0; i < 1000; i++) {
    const now = start + i * STEP_MS;
    t.true(used.claim(`user${i}`, timeStep(now), now));
    t.true(used.size <= 3, `${used.size} remembered after ${i} steps`);
  }
  // A remembered step refuses its code until it leaves the window, then nothing is remembered.
  const now = start + 2000 * STEP_MS;
  t.true(used.claim('alice', timeStep(now), now));
  t.false(used.claim('alice', timeStep(now), now + STEP_MS));
  t.is(used.lastStep('alice', now + 3 * STEP_MS), undefined);
});

test('the otpauth URI names issuer, account and secret, and parses as a URL', (t) => {
  const secret = Buffer.from('12345678901234567890');
  const uri = otpauthUri({ issuer: 'Keyhole', account: 'alice@host.example', secret });
  const url = new URL(uri);
  t.is(url.protocol, 'otpauth:');
  t.is(url.host, 'totp');
  t.is(decodeURIComponent(url.pathname), '/Keyhole:alice@host.example');
  t.is(url.searchParams.get('secret'), base32Encode(secret));
  t.is(url.searchParams.get('issuer'), 'Keyhole');
  t.is(url.searchParams.get('digits'), '6');
  t.is(url.searchParams.get('period'), '30');
  t.is(url.searchParams.get('algorithm'), 'SHA1');
});

const GOOD = base32Encode(Buffer.alloc(20, 1));

test('the secrets file: user and secret per line, comments and blank lines skipped', (t) => {
  const r = parseTotpSecrets(`# people\n\nalice ${GOOD}\n  bob   ${GOOD.toLowerCase()}  \n`, 'secrets');
  t.deepEqual(r.errors, []);
  t.deepEqual([...r.secrets.keys()], ['alice', 'bob']);
  t.deepEqual(r.secrets.get('bob'), Buffer.alloc(20, 1));
});

test('the secrets file: errors name the line, never the secret', (t) => {
  const short = base32Encode(Buffer.alloc(10, 1));
  const text = `alice\nbob ${short}\ncarol NOT-BASE32!\ndave ${GOOD}\ndave ${GOOD}\n-x ${GOOD}\n`;
  const r = parseTotpSecrets(text, 'secrets');
  t.deepEqual(r.errors, [
    "secrets:1: expected 'USER BASE32SECRET' (keyhole totp-enroll USER writes such a line)",
    "secrets:2: the secret of 'bob' has 80 bits, at least 128 are needed: run keyhole totp-enroll bob",
    "secrets:3: the secret of 'carol' is not base32 (A-Z, 2-7)",
    "secrets:5: 'dave' has a secret on an earlier line already",
    "secrets:6: expected 'USER BASE32SECRET' (keyhole totp-enroll USER writes such a line)",
  ]);
  for (const e of r.errors) t.false(e.includes(short) || e.includes(GOOD) || e.includes('NOT-BASE32'));
});

test("withSecretLine replaces the user's line in place or appends one, keeping the rest", (t) => {
  const text = `# keyhole totp secrets\nalice OLD\n# bob OLDER\nbob OLD\n`;
  t.is(withSecretLine(text, 'bob', 'NEW'), `# keyhole totp secrets\nalice OLD\n# bob OLDER\nbob NEW\n`);
  t.is(withSecretLine(text, 'carol', 'NEW'), `${text}carol NEW\n`);
  t.is(withSecretLine('', 'carol', 'NEW'), 'carol NEW\n');
  fc.assert(
    fc.property(fc.constantFrom('alice', 'bob', 'carol'), (user) => {
      const r = parseTotpSecrets(withSecretLine(`alice ${GOOD}\n`, user, base32Encode(Buffer.alloc(20, 2))), 's');
      t.deepEqual(r.errors, []);
      t.deepEqual(r.secrets.get(user), Buffer.alloc(20, 2));
    }),
  );
});
