// sshd's RevokedKeys: a file of revoked keys and certificates, read once when the config loads, and the check of one
// login against it, with the semantics of OpenSSH's krl.c (ssh_krl_check_key). The file is an OpenSSH KRL
// (`ssh-keygen -k`) when it starts with the KRL magic, otherwise a text list of public keys, as sshd decides.
import { createHash } from 'node:crypto';
import { fingerprintSha256 } from '../ssh/fingerprint.ts';
import { KRL_MAGIC, parseKrl } from './revocation-krl.ts';
import { canonicalOrSelf, printable } from './revocation-keys.ts';
import { ANY_CA, RevocationBuilder, inRanges, type CertRevocations, type RevokedKeys } from './revocation-list.ts';
import { parseKeyList } from './revocation-text.ts';
import { WireError } from './revocation-wire.ts';

export type { RevokedKeys };

export interface RevocationSubject {
  /** The plain public key blob (SSH wire format, e.g. string "ssh-ed25519" + string key). For a certificate: the certificate's embedded key as a plain key blob. */
  readonly key: Buffer;
  /** Present when the login used a certificate. ca = the CA's plain public key blob (the certificate's signature key). */
  readonly certificate?: { readonly ca: Buffer; readonly serial: bigint; readonly keyId: string };
}

/** The list of a config without `revokedKeys`. */
export const NOTHING_REVOKED: RevokedKeys = new RevocationBuilder().finish('');

/** Parses a revocation file: an OpenSSH KRL (binary, `ssh-keygen -k`, starts with "SSHKRL\n\0") or a text list of public keys (one `TYPE BASE64 [comment]` per line, # comments and blank lines allowed, as sshd accepts). */
export function parseRevokedKeys(data: Buffer, source: string): { revoked: RevokedKeys } | { error: string } {
  if (data.length < KRL_MAGIC.length || !data.subarray(0, KRL_MAGIC.length).equals(KRL_MAGIC))
    return parseKeyList(data.toString('utf8'), source);
  try {
    return { revoked: parseKrl(data, source) };
  } catch (err) {
    if (!(err instanceof WireError)) throw err;
    return { error: `${source}: not a valid KRL: ${err.message}; write it again with ssh-keygen -k` };
  }
}

/** Why the subject is revoked ("key SHA256:... is revoked (source)", "certificate serial 7 of CA SHA256:... is revoked", ...), or null. */
export function revocationOf(list: RevokedKeys, subject: RevocationSubject): string | null {
  // krl.c's order: the key (a certificate's key too), then the certificate under its CA and under "any CA", then
  // the CA key itself.
  const key = canonicalOrSelf(subject.key);
  if (keyRevoked(list, key)) return `key ${fingerprintSha256(key)} is revoked (${list.source})`;
  const cert = subject.certificate;
  if (cert === undefined) return null;
  const ca = canonicalOrSelf(cert.ca);
  const caName = `CA ${fingerprintSha256(ca)}`;
  const why =
    certRevoked(list.certificates.get(ca.toString('hex')), cert.serial, cert.keyId, `of ${caName}`) ??
    certRevoked(list.certificates.get(ANY_CA), cert.serial, cert.keyId, 'under any CA');
  if (why !== null) return `${why} (${list.source})`;
  if (keyRevoked(list, ca)) return `${caName} of the certificate is revoked (${list.source})`;
  return null;
}

// By SHA1 or SHA256 hash, or the blob itself (krl.c's is_key_revoked for a plain key).
function keyRevoked(list: RevokedKeys, blob: Buffer): boolean {
  return (
    list.sha1.has(createHash('sha1').update(blob).digest('hex')) ||
    list.sha256.has(createHash('sha256').update(blob).digest('hex')) ||
    list.keys.has(blob.toString('hex'))
  );
}

// Key id first, then serial; serial 0 means "no serial" and is never revoked (krl.c's is_cert_revoked).
function certRevoked(section: CertRevocations | undefined, serial: bigint, keyId: string, under: string) {
  if (section === undefined) return null;
  // OpenSSH compares key ids as C strings: up to the first NUL.
  const id = keyId.split('\0', 1)[0]!;
  if (section.keyIds.has(id)) return `certificate key id '${printable(id)}' ${under} is revoked`;
  if (serial !== 0n && inRanges(section.serials, serial)) return `certificate serial ${serial} ${under} is revoked`;
  return null;
}
