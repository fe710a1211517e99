// The post-quantum key exchange mlkem768x25519-sha256 (patches/ssh2+1.17.0.patch) on the real server: a raw client
// checks the server's share and its host-key signature over the exchange hash the draft defines (the reference in
// test/helpers/hybrid-kex.ts matches OpenSSH's known answers); malformed client shares end the connection with a
// key-exchange-failed disconnect and nothing else; Keyhole's own client and the OpenSSH client agree on the best kex
// they share, and session-start says which.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { connect } from '../../src/index.ts';
import { connectSsh2, execOn, opensshExec } from '../helpers/clients.ts';
import {
  clientShare,
  exchangeHash,
  KEX,
  rawKeyExchange,
  verifyHostSignature,
  type KexAnswer,
} from '../helpers/hybrid-kex.ts';
import { serverPerFile, type TestServer } from '../helpers/server.ts';

const test = serverPerFile();

const KEY_EXCHANGE_FAILED = 3; // RFC 4253 §11.1

const sessionStart = (s: TestServer, user: string, since: number) =>
  s.waitForAudit((r) => r.event === 'session-start' && r.user === user && s.audit.records.indexOf(r) >= since);

test('the server answers an ML-KEM share with a ciphertext and signs the draft’s exchange hash', async (t) => {
  const { s } = t.context;
  const client = clientShare();
  const answer = await rawKeyExchange(s.port, client.init);
  if (answer.kind !== 'reply') return t.fail(`expected KEX_ECDH_REPLY, got ${JSON.stringify(answer)}`);
  t.is(answer.serverReply.length, 1088 + 32);
  const fingerprint = `SHA256:${createHash('sha256').update(answer.hostKey).digest('base64').replace(/=+$/, '')}`;
  t.is(fingerprint, s.server.hostKeys[0]!.fingerprint);
  const h = exchangeHash({ ...answer.hash, sharedSecret: client.finish(answer.serverReply) });
  t.true(verifyHostSignature(answer.hostKey, answer.signature, h), 'host signature over H with K as a string');
});

const valid = () => clientShare().init;
const malformed: [string, () => Buffer, RegExp][] = [
  ['an empty share', () => Buffer.alloc(0), /client share is 0 bytes, expected 1216/],
  ['a share one byte short', () => valid().subarray(0, 1215), /client share is 1215 bytes, expected 1216/],
  ['a share one byte long', () => Buffer.concat([valid(), Buffer.from([0])]), /client share is 1217 bytes/],
  ['a curve25519-sized share', () => valid().subarray(1184), /client share is 32 bytes/],
  [
    'an encapsulation key that fails the FIPS 203 modulus check',
    () => {
      const share = valid();
      share.fill(0xff, 0, 384);
      return share;
    },
    /invalid ML-KEM-768 encapsulation key from client/,
  ],
  [
    'an X25519 key of low order (all zero: the shared secret would be zero)',
    () => {
      const share = valid();
      share.fill(0, 1184);
      return share;
    },
    /failed during derivation/, // OpenSSL refuses an all-zero X25519 result (RFC 7748 §6.1)
  ],
];

for (const [what, make, why] of malformed) {
  // Serial: each finds its own connection's disconnect record among the shared server's.
  test.serial(`${what} is refused with a key-exchange-failed disconnect, and the server serves on`, async (t) => {
    const { s } = t.context;
    const since = s.audit.records.length;
    const answer: KexAnswer = await rawKeyExchange(s.port, make());
    t.like(answer, { kind: 'disconnect', reason: KEY_EXCHANGE_FAILED }, JSON.stringify(answer));
    // The exchange was agreed and failed on the share, not earlier (the audit names the error).
    const closed = (await s.waitForAudit(
      (r) => r.event === 'disconnect' && s.audit.records.indexOf(r) >= since && 'error' in r,
    )) as { error?: string };
    t.regex(String(closed.error), /computing DH secret \(mlkem768x25519\)/);
    t.regex(String(closed.error), why);
    const client = await connectSsh2(s.port, 'deploy', { privateKey: s.keys.deploy });
    t.teardown(() => client.end());
    t.is((await execOn(client, 'echo still serving')).stdout, 'still serving\n');
  });
}

test('Keyhole’s own client offers ML-KEM first: the session runs on mlkem768x25519-sha256', async (t) => {
  const { s } = t.context;
  const knownHosts = path.join(s.dir, 'known_hosts.pq');
  const pub = readFileSync(`${s.server.hostKeys[0]!.file}.pub`, 'utf8').split(' ');
  writeFileSync(knownHosts, `[127.0.0.1]:${s.port} ${pub[0]} ${pub[1]}\n`);
  const since = s.audit.records.length;
  const client = await connect({
    host: '127.0.0.1',
    port: s.port,
    username: 'deploy',
    privateKeyPath: s.keys.deploy,
    knownHosts,
  });
  t.teardown(() => client.close());
  t.is((await client.run(['echo', 'pq'])).stdout, 'pq\n');
  t.like(await sessionStart(s, 'deploy', since), { kex: KEX, cipher: 'aes128-gcm@openssh.com' });
});

// Debian 12's OpenSSH 9.2 has no ML-KEM and logs in with curve25519; an OpenSSH from 9.9 on must pick ML-KEM.
test.serial('the OpenSSH client logs in with the best kex it has, and is not warned', async (t) => {
  const { s } = t.context;
  const hasMlkem = execFileSync('ssh', ['-Q', 'kex'], { encoding: 'utf8' }).split('\n').includes(KEX);
  const expected = hasMlkem ? KEX : 'curve25519-sha256';
  const since = s.audit.records.length;
  const r = await opensshExec(s.port, 'deploy', { privateKey: s.keys.deploy }, s.dir, 'echo ok', ['-v']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stderr, new RegExp(`kex: algorithm: ${expected}\\b`));
  t.notRegex(r.stderr, /not using a post-quantum key exchange/);
  t.like(await sessionStart(s, 'deploy', since), { kex: expected });
});

// Dropbear sends its share with KEXINIT when it guesses the kex (first_kex_packet_follows). ssh2 1.17 dropped every
// guess (it compared the agreed name with the first letter of the client's list), so a right guess hung the login:
// Dropbear 2025.87 and later guess mlkem768x25519-sha256, which is also Keyhole's first choice.
test('a right guess (the same kex and host key first on both sides) is used: the reply comes', async (t) => {
  const { s } = t.context;
  const client = clientShare();
  const answer = await rawKeyExchange(s.port, client.init, { kex: [KEX, 'curve25519-sha256'], guess: client.init });
  if (answer.kind !== 'reply') return t.fail(`expected KEX_ECDH_REPLY, got ${JSON.stringify(answer)}`);
  const h = exchangeHash({ ...answer.hash, sharedSecret: client.finish(answer.serverReply) });
  t.true(verifyHostSignature(answer.hostKey, answer.signature, h));
});

test('a wrong guess (another kex first) is dropped unread, and the share sent after it is answered', async (t) => {
  const { s } = t.context;
  const client = clientShare();
  // The server does not offer sntrup761, so mlkem is agreed; the guessed packet (junk here) must be ignored.
  const kex = ['sntrup761x25519-sha512@openssh.com', KEX];
  const answer = await rawKeyExchange(s.port, client.init, { kex, guess: Buffer.from('a sntrup761 share') });
  if (answer.kind !== 'reply') return t.fail(`expected KEX_ECDH_REPLY, got ${JSON.stringify(answer)}`);
  const h = exchangeHash({ ...answer.hash, sharedSecret: client.finish(answer.serverReply) });
  t.true(verifyHostSignature(answer.hostKey, answer.signature, h));
});
