// The certificate reader and the CA signature check, against certificates that ssh-keygen signs on the fly: every key
// type OpenSSH signs with, tampering anywhere, trailing data, and random bytes (fast-check) never crash the reader.
import test from 'ava';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  caSignatureProblem,
  CertificateError,
  HOST_CERT,
  isCertificateAlgorithm,
  parseCertificate,
  signatureAlgorithmsFor,
  USER_CERT,
} from '../../src/auth/certificate.ts';
import { validityProblem } from '../../src/auth/certificate-check.ts';
import { fingerprintSha256 } from '../../src/ssh/fingerprint.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'keyhole-cert-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

function keygen(name: string, type: string, bits?: number): string {
  const file = path.join(dir, name);
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    type,
    ...(bits ? ['-b', String(bits)] : []),
    '-N',
    '',
    '-C',
    name,
    '-f',
    file,
  ]);
  return file;
}

// Signs `key`.pub with `ca` and returns the certificate blob (the base64 field of key-cert.pub).
function sign(ca: string, key: string, args: string[]): Buffer {
  execFileSync('ssh-keygen', ['-q', '-s', ca, ...args, `${key}.pub`], { stdio: 'ignore' });
  return blobOf(`${key}-cert.pub`);
}

function blobOf(file: string): Buffer {
  return Buffer.from(readFileSync(file, 'utf8').split(' ')[1]!, 'base64');
}

const edCa = keygen('ca-ed25519', 'ed25519');
const KEY_TYPES: [string, string, number?][] = [
  ['ed25519', 'ssh-ed25519-cert-v01@openssh.com'],
  ['ecdsa', 'ecdsa-sha2-nistp256-cert-v01@openssh.com', 256],
  ['ecdsa', 'ecdsa-sha2-nistp384-cert-v01@openssh.com', 384],
  ['ecdsa', 'ecdsa-sha2-nistp521-cert-v01@openssh.com', 521],
  ['rsa', 'ssh-rsa-cert-v01@openssh.com', 2048],
];

for (const [type, certType, bits] of KEY_TYPES) {
  test(`reads a ${certType} that ssh-keygen signed, and the CA signature verifies`, (t) => {
    const key = keygen(`user-${type}-${bits ?? ''}`, type, bits);
    const blob = sign(edCa, key, ['-I', 'alice@laptop', '-n', 'alice,oncall', '-z', '42', '-V', '20260101:20270101']);
    const cert = parseCertificate(blob);
    t.is(cert.type, certType);
    t.is(cert.certType, USER_CERT);
    t.is(cert.keyId, 'alice@laptop');
    t.is(cert.serial, 42n);
    t.deepEqual(cert.principals, ['alice', 'oncall']);
    t.true(cert.extensions.has('permit-pty'));
    t.is(cert.criticalOptions.size, 0);
    t.deepEqual(cert.keyBlob, blobOf(`${key}.pub`), 'the embedded key is the plain key ssh-keygen made');
    t.is(cert.caFingerprint, fingerprintSha256(blobOf(`${edCa}.pub`)));
    t.is(caSignatureProblem(cert), null);
  });
}

for (const [type, bits] of [
  ['ecdsa', 384],
  ['rsa', 3072],
] as const) {
  test(`a ${type} CA's signature verifies, and a flipped signature byte does not`, (t) => {
    const ca = keygen(`ca-${type}`, type, bits);
    const key = keygen(`user-for-${type}-ca`, 'ed25519');
    const blob = sign(ca, key, ['-I', 'x', '-n', 'alice']);
    t.is(caSignatureProblem(parseCertificate(blob)), null);
    const bad = Buffer.from(blob);
    bad[bad.length - 3]! ^= 1;
    t.not(caSignatureProblem(parseCertificate(bad)), null);
  });
}

test('reads force-command and source-address, and a host certificate as such', (t) => {
  const key = keygen('user-opts', 'ed25519');
  const opts = ['-O', 'force-command=echo forced', '-O', 'source-address=127.0.0.1/32,::1', '-O', 'no-pty'];
  const cert = parseCertificate(sign(edCa, key, ['-I', 'opts', '-n', 'alice', ...opts]));
  t.is(cert.criticalOptions.get('force-command'), 'echo forced');
  t.is(cert.criticalOptions.get('source-address'), '127.0.0.1/32,::1');
  t.false(cert.extensions.has('permit-pty'));
  const host = parseCertificate(sign(edCa, keygen('host', 'ed25519'), ['-h', '-I', 'host', '-n', 'h.example']));
  t.is(host.certType, HOST_CERT);
});

test('any change to the signed bytes breaks the CA signature or the reading, never passes', (t) => {
  const key = keygen('user-tamper', 'ed25519');
  const blob = sign(edCa, key, ['-I', 'tamper', '-n', 'alice', '-O', 'force-command=echo x']);
  const signedLength = parseCertificate(blob).signed.length;
  let caught = 0;
  // Every byte of the signed part, one bit at a time at a spread of positions: none may still verify.
  for (let i = 0; i < signedLength; i++) {
    const bad = Buffer.from(blob);
    bad[i]! ^= 1 << (i % 8);
    try {
      if (caSignatureProblem(parseCertificate(bad)) !== null) caught++;
    } catch (err) {
      t.true(err instanceof CertificateError, String(err));
      caught++;
    }
  }
  t.is(caught, signedLength);
});

test('trailing bytes, a cut-short blob and a plain key are refused with a reason', (t) => {
  const key = keygen('user-trail', 'ed25519');
  const blob = sign(edCa, key, ['-I', 'trail', '-n', 'alice']);
  t.throws(() => parseCertificate(Buffer.concat([blob, Buffer.from([0])])), {
    instanceOf: CertificateError,
    message: /unexpected bytes after the certificate/,
  });
  t.throws(() => parseCertificate(blob.subarray(0, blob.length - 1)), { message: /runs past the end/ });
  t.throws(() => parseCertificate(blobOf(`${key}.pub`)), {
    message: /certificate type 'ssh-ed25519' is not supported/,
  });
});

test('the algorithm a client names must fit the certificate; RSA names fix the hash', (t) => {
  const key = keygen('user-rsa-algo', 'rsa', 2048);
  const blob = sign(edCa, key, ['-I', 'rsa', '-n', 'alice']);
  t.notThrows(() => parseCertificate(blob, 'rsa-sha2-256-cert-v01@openssh.com'));
  t.notThrows(() => parseCertificate(blob, 'rsa-sha2-512-cert-v01@openssh.com'));
  t.throws(() => parseCertificate(blob, 'ssh-ed25519-cert-v01@openssh.com'), { message: /offered as/ });
  t.throws(
    () => parseCertificate(blob, 'ssh-rsa-cert-v01@openssh.com'),
    { message: /offered as/ },
    'SHA-1 is not offered',
  );
  t.deepEqual(signatureAlgorithmsFor('rsa-sha2-512-cert-v01@openssh.com'), ['rsa-sha2-512']);
  t.true(isCertificateAlgorithm('ssh-ed25519-cert-v01@openssh.com'));
  t.false(isCertificateAlgorithm('ssh-ed25519'));
  t.false(isCertificateAlgorithm('__proto__'));
});

test('validity: the skew allowance is a minute either side, no more', (t) => {
  const key = keygen('user-valid', 'ed25519');
  const cert = parseCertificate(sign(edCa, key, ['-I', 'v', '-n', 'alice', '-V', '20260601000000Z:20260601010000Z']));
  const at = (iso: string) => validityProblem(cert, new Date(iso));
  t.is(at('2026-06-01T00:30:00Z'), null);
  t.is(at('2026-05-31T23:59:00Z'), null);
  t.regex(at('2026-05-31T23:58:59Z') ?? '', /not valid before 2026-06-01T00:00:00Z/);
  t.is(at('2026-06-01T01:00:59Z'), null);
  t.regex(at('2026-06-01T01:01:00Z') ?? '', /expired at 2026-06-01T01:00:00Z/);
});

test('random bytes and mutated certificates: only CertificateError, never another exception', (t) => {
  const key = keygen('user-fuzz', 'ecdsa', 256);
  const blob = sign(edCa, key, ['-I', 'fuzz', '-n', 'alice,bob', '-O', 'source-address=10.0.0.0/8']);
  const safely = (bytes: Buffer) => {
    try {
      caSignatureProblem(parseCertificate(bytes));
    } catch (err) {
      if (!(err instanceof CertificateError)) throw err;
    }
  };
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => safely(Buffer.from(bytes))),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(fc.nat(blob.length - 1), fc.nat(255), fc.nat(blob.length), (at, value, cut) => {
      const bad = Buffer.from(blob);
      bad[at] = value;
      safely(bad);
      safely(bad.subarray(0, cut));
    }),
    { numRuns: 3000 },
  );
  t.pass();
});
