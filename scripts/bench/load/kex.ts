// The key exchange the clients use: pinned to curve25519-sha256 so both servers do the same work, or the client's own
// default (OpenSSH 9 prefers sntrup761x25519-sha512, which sshd offers and ssh2, so Keyhole, does not).
export type KexChoice = 'pinned' | 'default';

export const PINNED_KEX = 'curve25519-sha256';
