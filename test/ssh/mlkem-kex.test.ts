// Known answers for mlkem768x25519-sha256, from OpenSSH's own code (fixtures/mlkem768x25519-kat.json says how they
// were made): the draft's formulas as the tests write them (test/helpers/hybrid-kex.ts), and the ML-KEM backends of
// the patched ssh2 (node:crypto from Node 24.7, @noble/post-quantum before), which must give the same bytes.
import { readFileSync } from 'node:fs';
import { createPrivateKey } from 'node:crypto';
import { createRequire } from 'node:module';
import test from 'ava';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { exchangeHash, hybridSecret, x25519, x25519PublicKey } from '../helpers/hybrid-kex.ts';

interface Backend {
  name: string;
  generateKeyPair(seed?: Uint8Array): { publicKey: Buffer; decapsulate(ciphertext: Buffer): Buffer };
  encapsulate(encapsulationKey: Buffer, message?: Uint8Array): { ciphertext: Buffer; sharedKey: Buffer };
}
const mlkem = createRequire(import.meta.url)('ssh2/lib/protocol/mlkem.js') as {
  backend: Backend | null;
  nodeBackend(): Backend | null;
  nobleBackend(): Backend | null;
};

const kat = JSON.parse(readFileSync(new URL('fixtures/mlkem768x25519-kat.json', import.meta.url), 'utf8')) as {
  inputs: Record<string, string>;
  clientInit: string;
  serverReply: string;
  sharedPQ: string;
  sharedClassical: string;
  sharedSecret: string;
  exchangeHash: string;
};
const hex = (s: string) => Buffer.from(s, 'hex');
const input = (name: string) => hex(kat.inputs[name]!);
const clientInit = hex(kat.clientInit);
const serverReply = hex(kat.serverReply);
const encapsulationKey = clientInit.subarray(0, 1184);
const ciphertext = serverReply.subarray(0, 1088);

test('the shares are 1216 and 1120 bytes: ML-KEM-768 key or ciphertext, then an X25519 key', (t) => {
  t.is(clientInit.length, 1184 + 32);
  t.is(serverReply.length, 1088 + 32);
});

test('X25519 halves and K_CL match OpenSSH', (t) => {
  t.is(x25519PublicKey(input('clientX25519Private')).toString('hex'), clientInit.subarray(1184).toString('hex'));
  t.is(x25519PublicKey(input('serverX25519Private')).toString('hex'), serverReply.subarray(1088).toString('hex'));
  t.is(x25519(input('serverX25519Private'), clientInit.subarray(1184)).toString('hex'), kat.sharedClassical);
  t.is(x25519(input('clientX25519Private'), serverReply.subarray(1088)).toString('hex'), kat.sharedClassical);
});

test('K = SHA-256(K_PQ || K_CL) matches OpenSSH', (t) => {
  t.is(hybridSecret(hex(kat.sharedPQ), hex(kat.sharedClassical)).toString('hex'), kat.sharedSecret);
});

test('the exchange hash, with K hashed as a string, matches OpenSSH', (t) => {
  const kexinit = (ascii: string) => Buffer.concat([Buffer.from([20]), Buffer.from(ascii)]);
  const h = exchangeHash({
    clientVersion: kat.inputs.clientVersion!,
    serverVersion: kat.inputs.serverVersion!,
    clientKexinit: kexinit(kat.inputs.clientKexinitAfterType!),
    serverKexinit: kexinit(kat.inputs.serverKexinitAfterType!),
    serverHostKey: Buffer.from(kat.inputs.serverHostKeyBlob!),
    clientInit,
    serverReply,
    sharedSecret: hex(kat.sharedSecret),
  });
  t.is(h.toString('hex'), kat.exchangeHash);
});

test('ssh2 has an ML-KEM backend on this Node, node:crypto where Node has ML-KEM', (t) => {
  t.truthy(mlkem.backend);
  const nodeHasIt = typeof (globalThis.process.getBuiltinModule?.('node:crypto') as { encapsulate?: unknown })
    ?.encapsulate;
  t.is(mlkem.backend?.name, nodeHasIt === 'function' ? 'node:crypto' : '@noble/post-quantum', process.version);
});

test('the @noble/post-quantum backend gives OpenSSH’s key, ciphertext and K_PQ for the same randomness', (t) => {
  const noble = mlkem.nobleBackend();
  if (!noble) return t.fail('@noble/post-quantum cannot be loaded from ssh2');
  const keys = noble.generateKeyPair(input('clientMlkemSeed'));
  t.is(keys.publicKey.toString('hex'), encapsulationKey.toString('hex'));
  const sent = noble.encapsulate(encapsulationKey, input('serverEncapsulationRandomness'));
  t.is(sent.ciphertext.toString('hex'), ciphertext.toString('hex'));
  t.is(sent.sharedKey.toString('hex'), kat.sharedPQ);
  t.is(keys.decapsulate(ciphertext).toString('hex'), kat.sharedPQ);
});

// node:crypto cannot be given randomness, so its backend is checked against OpenSSH's ciphertext (decapsulated with
// the key made from the same seed) and against noble (which decapsulates what it encapsulates).
const node = mlkem.nodeBackend();
(node ? test : test.skip)('the node:crypto backend interoperates with OpenSSH’s values (Node 24.7+)', (t) => {
  if (!node) return;
  // PKCS#8 ML-KEM-768 private key in its seed form (draft-ietf-lamps-kyber-certificates): [0] IMPLICIT seed d||z.
  const pkcs8 = Buffer.concat([
    Buffer.from('3054020100300b060960864801650304040204428040', 'hex'),
    input('clientMlkemSeed'),
  ]);
  const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  const crypto = globalThis.process.getBuiltinModule('node:crypto') as typeof import('node:crypto') & {
    decapsulate(key: unknown, ciphertext: Buffer): Buffer;
  };
  t.is(crypto.decapsulate(privateKey, ciphertext).toString('hex'), kat.sharedPQ);
  const sent = node.encapsulate(encapsulationKey);
  const { secretKey } = ml_kem768.keygen(input('clientMlkemSeed'));
  t.is(Buffer.from(ml_kem768.decapsulate(sent.ciphertext, secretKey)).toString('hex'), sent.sharedKey.toString('hex'));
  const keys = node.generateKeyPair();
  const back = ml_kem768.encapsulate(keys.publicKey);
  t.is(keys.decapsulate(Buffer.from(back.cipherText)).toString('hex'), Buffer.from(back.sharedSecret).toString('hex'));
});

for (const which of ['noble', 'node'] as const) {
  const backend = which === 'noble' ? mlkem.nobleBackend() : node;
  (backend ? test : test.skip)(
    `the ${which} backend refuses an encapsulation key that fails the modulus check`,
    (t) => {
      if (!backend) return;
      // FIPS 203 §7.2: every 12-bit coefficient must be below q = 3329; 0xfff is not.
      const invalid = Buffer.from(encapsulationKey);
      invalid.fill(0xff, 0, 384);
      t.throws(() => backend.encapsulate(invalid));
      t.throws(() => backend.encapsulate(encapsulationKey.subarray(0, 1183)));
    },
  );
}
