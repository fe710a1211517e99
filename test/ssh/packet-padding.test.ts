// Packet padding (RFC 4253 §6: random bytes) in the patched ssh2, which takes it from a pool of random bytes refilled
// 16 KiB at a time instead of one randomFillSync() per packet (patches/ssh2+1.17.0.patch): every byte used once, so
// no two packets share their padding, also across a refill of the pool.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import test from 'ava';

interface Cipher {
  allocPacket(payloadLen: number): Buffer;
}
const crypto = createRequire(import.meta.url)('ssh2/lib/protocol/crypto.js') as {
  CIPHER_INFO: Record<string, { keyLen: number; ivLen: number }>;
  createCipher(config: object): Cipher;
};

for (const name of ['aes128-gcm@openssh.com', 'chacha20-poly1305@openssh.com', 'aes128-ctr']) {
  test(`${name}: packets never repeat their padding, across pool refills`, (t) => {
    const info = crypto.CIPHER_INFO[name]!;
    const cipher = crypto.createCipher({
      outbound: {
        onWrite: () => undefined,
        cipherInfo: info,
        cipherKey: randomBytes(info.keyLen),
        cipherIV: info.ivLen ? randomBytes(info.ivLen) : undefined,
        seqno: 0,
        macInfo: { len: 32, actualLen: 32, isETM: true, sslName: 'sha256' },
        macKey: randomBytes(32),
      },
    });
    const seen = new Set<string>();
    let bytes = 0;
    for (let i = 0; i < 4000; i++) {
      const payloadLen = 100 + (i % 97);
      const packet = cipher.allocPacket(payloadLen);
      const padLen = packet[4]!;
      t.true(padLen >= 4, `padding of ${padLen} bytes`);
      const padding = packet.subarray(5 + payloadLen, 5 + payloadLen + padLen).toString('hex');
      if (padLen >= 8) {
        t.false(seen.has(padding), `packet ${i} repeats an earlier padding`);
        seen.add(padding);
      }
      bytes += padLen;
    }
    t.true(bytes > 16 * 1024, `${bytes} bytes of padding: the pool was refilled at least once`);
    t.true(seen.size > 1000);
  });
}
