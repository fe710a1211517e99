// The algorithms Keyhole offers: modern ones only (see NOTES.md for why each is here and in this order).
import { createRequire } from 'node:module';
import type { Algorithms, KexAlgorithm } from 'ssh2';

/** The hybrid post-quantum key exchange (ML-KEM-768 + X25519), OpenSSH's default since 10.0. */
export const POST_QUANTUM_KEX: string = 'mlkem768x25519-sha256';

// ssh2 knows it only through patches/ssh2+1.17.0.patch, and then only if an ML-KEM is at hand (node:crypto from Node
// 24.7, else @noble/post-quantum). An ssh2 without it would refuse the name, so it is offered only when ssh2 has it.
const ssh2Kex = (createRequire(import.meta.url)('ssh2/lib/protocol/constants.js') as { SUPPORTED_KEX: string[] })
  .SUPPORTED_KEX;
export const postQuantumKex: boolean = ssh2Kex.includes(POST_QUANTUM_KEX);

export const ALGORITHMS: Algorithms = {
  // OpenSSH's order. ssh2 adds the strict-kex marker itself; group exchange is not implemented by ssh2's server.
  // (ssh2 1.17 dropped every guessed first kex packet, which hung a client that guessed right: fixed in the patch.)
  kex: [
    ...(postQuantumKex ? [POST_QUANTUM_KEX as KexAlgorithm] : []), // @types/ssh2 does not know the name yet
    'curve25519-sha256',
    'curve25519-sha256@libssh.org',
  ],
  cipher: [
    'aes128-gcm@openssh.com',
    'aes256-gcm@openssh.com',
    'chacha20-poly1305@openssh.com',
    'aes256-ctr',
    'aes192-ctr',
    'aes128-ctr',
  ],
  hmac: ['hmac-sha2-256-etm@openssh.com', 'hmac-sha2-512-etm@openssh.com'],
  compress: ['none'],
};
