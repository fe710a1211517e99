// Key fingerprints as OpenSSH prints them: what the server audits and what the client shows for a host key.
import { createHash } from 'node:crypto';

/** The fingerprint OpenSSH shows for a key blob: `SHA256:` and the unpadded base64 of its SHA-256. */
export function fingerprintSha256(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}
