// The algorithms Keyhole offers: modern ones only (see NOTES.md for why each is here and in this order).
import type { Algorithms } from 'ssh2';

export const ALGORITHMS: Algorithms = {
  // ssh2 1.17 mishandles a client's guessed first kex packet when curve25519-sha256 is first on both sides, so the
  // @libssh.org name comes first. ssh2 adds the strict-kex marker itself; group exchange is not implemented by ssh2.
  kex: ['curve25519-sha256@libssh.org', 'curve25519-sha256'],
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
