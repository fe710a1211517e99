// OpenSSH known_hosts, read the way ssh(1) reads it: plain and hashed (|1|salt|hash) host names, `[host]:port` for
// non-22 ports, comma-separated names, `!` negation, `*`/`?` wildcards, and @revoked. Pure: the caller reads the file.
import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../ssh/constant-time.ts';
import { fingerprintSha256 } from '../ssh/fingerprint.ts';

export interface KnownHostEntry {
  readonly patterns: readonly string[];
  readonly hashed: { salt: Buffer; hash: Buffer } | null;
  readonly keyType: string;
  readonly blob: Buffer;
  readonly marker: '@revoked' | '@cert-authority' | null;
  readonly line: number;
}

export type HostKeyVerdict =
  | { status: 'known' }
  | { status: 'unknown' }
  | { status: 'changed'; line: number; knownFingerprint: string }
  | { status: 'revoked'; line: number };

/** The name ssh(1) writes and looks up: `host` on port 22, `[host]:port` otherwise. */
export function hostToken(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** Parses known_hosts text; lines it cannot read are skipped, as ssh(1) does. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === '' || fields[0]!.startsWith('#')) return;
    const marker = fields[0] === '@revoked' || fields[0] === '@cert-authority' ? fields.shift()! : null;
    const [hosts, keyType, base64] = fields;
    if (!hosts || !keyType || !base64) return;
    const blob = Buffer.from(base64, 'base64');
    if (blob.length === 0) return;
    const hashed = parseHashed(hosts);
    entries.push({
      patterns: hashed ? [] : hosts.split(','),
      hashed,
      keyType,
      blob,
      marker: marker as KnownHostEntry['marker'],
      line: i + 1,
    });
  });
  return entries;
}

function parseHashed(hosts: string): KnownHostEntry['hashed'] {
  const m = /^\|1\|([A-Za-z0-9+/=]+)\|([A-Za-z0-9+/=]+)$/.exec(hosts);
  return m ? { salt: Buffer.from(m[1]!, 'base64'), hash: Buffer.from(m[2]!, 'base64') } : null;
}

/** Whether an entry names this host token (hashed or by pattern list, where a matching `!pattern` excludes). */
export function entryMatches(entry: KnownHostEntry, token: string): boolean {
  if (entry.hashed) {
    const digest = createHmac('sha1', entry.hashed.salt).update(token).digest();
    return constantTimeEqual(digest, entry.hashed.hash);
  }
  let matched = false;
  for (const pattern of entry.patterns) {
    const negated = pattern.startsWith('!');
    if (!globMatch(negated ? pattern.slice(1) : pattern, token)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

function globMatch(pattern: string, text: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, 'i').test(text);
}

/** Checks a server's host key against the entries, as StrictHostKeyChecking does. */
export function verifyHostKey(
  entries: readonly KnownHostEntry[],
  host: string,
  port: number,
  blob: Buffer,
): HostKeyVerdict {
  const token = hostToken(host, port);
  const relevant = entries.filter((e) => e.marker !== '@cert-authority' && entryMatches(e, token));
  const revoked = relevant.find((e) => e.marker === '@revoked' && constantTimeEqual(e.blob, blob));
  if (revoked) return { status: 'revoked', line: revoked.line };
  const plain = relevant.filter((e) => e.marker === null);
  if (plain.some((e) => constantTimeEqual(e.blob, blob))) return { status: 'known' };
  const keyType = blobKeyType(blob);
  // Only a known key of the same type counts as a change: a server may have several host keys.
  const sameType = plain.find((e) => e.keyType === keyType);
  if (sameType) return { status: 'changed', line: sameType.line, knownFingerprint: fingerprintSha256(sameType.blob) };
  return { status: 'unknown' };
}

/** The key type named inside an SSH public key blob (its first length-prefixed string). */
export function blobKeyType(blob: Buffer): string {
  if (blob.length < 4) return '';
  const length = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + length).toString('latin1');
}

/** The line ssh(1) would append for a newly accepted host key. */
export function knownHostsLine(host: string, port: number, blob: Buffer): string {
  return `${hostToken(host, port)} ${blobKeyType(blob)} ${blob.toString('base64')}\n`;
}
