// Public keys as OpenSSH compares them for revocation: parsed by type and written back in their one canonical form
// (minimal mpints), with a certificate reduced to the plain key it certifies. krl.c hashes and compares exactly that
// re-serialised blob (plain_key_blob, sshkey_fingerprint_raw), so a client that sends an RSA key with a padded mpint
// cannot slip past a revocation of the same key.
import { WireError, WireReader } from './revocation-wire.ts';

type Field = 'mpint' | 'ed25519' | 'curve' | 'point' | 'string';

// The fields after the type name in each plain key type OpenSSH reads (sshkey.c).
const LAYOUTS: ReadonlyMap<string, readonly Field[]> = new Map<string, readonly Field[]>([
  ['ssh-ed25519', ['ed25519']],
  ['ssh-rsa', ['mpint', 'mpint']],
  ['ssh-dss', ['mpint', 'mpint', 'mpint', 'mpint']],
  ['ecdsa-sha2-nistp256', ['curve', 'point']],
  ['ecdsa-sha2-nistp384', ['curve', 'point']],
  ['ecdsa-sha2-nistp521', ['curve', 'point']],
  ['sk-ssh-ed25519@openssh.com', ['ed25519', 'string']],
  ['sk-ecdsa-sha2-nistp256@openssh.com', ['curve', 'point', 'string']],
]);
// Bytes of the uncompressed point (0x04 || X || Y) per curve; OpenSSH reads no other point form.
const POINT_BYTES: Readonly<Record<string, number>> = { nistp256: 65, nistp384: 97, nistp521: 133 };
const CERT_SUFFIX = '-cert-v01@openssh.com';

/** A key in canonical form: its type name and the plain blob (`string type` + the key's fields). */
export interface PlainKey {
  readonly type: string;
  readonly blob: Buffer;
  /** Whether it was read from a certificate (`blob` is then the certified key). */
  readonly certificate: boolean;
}

/** Whether OpenSSH would read `type` as a key (plain or certificate) that this module understands. */
export function isKeyType(type: string): boolean {
  return LAYOUTS.has(type) || plainTypeOfCert(type) !== undefined;
}

/**
 * The canonical plain key of a key blob or a certificate blob (`what` names it in errors). Throws WireError when the
 * blob is not a well-formed key of a type listed above; trailing bytes after a plain key are refused, as sshd does.
 */
export function plainKeyOf(blob: Buffer, what: string): PlainKey {
  const reader: WireReader = new WireReader(blob, what);
  const type = reader.cstring('the key type');
  const layout = LAYOUTS.get(type);
  if (layout !== undefined) {
    const key = readFields(reader, type, layout, false);
    reader.end();
    return key;
  }
  const plainType = plainTypeOfCert(type);
  if (plainType === undefined) reader.fail(`unknown key type '${printable(type)}'`);
  reader.string('the certificate nonce');
  // The rest of the certificate (serial, principals, validity, signature) says nothing about which key it is.
  return readFields(reader, plainType, LAYOUTS.get(plainType)!, true);
}

/** The canonical form of a blob the caller believes to be a plain key; the blob itself when it is not one. */
export function canonicalOrSelf(blob: Buffer): Buffer {
  try {
    return plainKeyOf(blob, 'the key').blob;
  } catch (err) {
    if (err instanceof WireError) return blob;
    throw err;
  }
}

// `ssh-ed25519-cert-v01@openssh.com` -> `ssh-ed25519`, `sk-ssh-ed25519-cert-v01@openssh.com` -> the sk type.
function plainTypeOfCert(type: string): string | undefined {
  if (!type.endsWith(CERT_SUFFIX)) return undefined;
  const stem = type.slice(0, -CERT_SUFFIX.length);
  return [stem, `${stem}@openssh.com`].find((plain) => LAYOUTS.has(plain));
}

// Reads the fields of one key and writes them back canonically after the type name.
function readFields(reader: WireReader, type: string, layout: readonly Field[], certificate: boolean): PlainKey {
  const parts: Buffer[] = [wireString(Buffer.from(type, 'latin1'))];
  let curve = '';
  for (const field of layout) {
    if (field === 'mpint') {
      parts.push(wireMpint(reader.mpint('an mpint of the key')));
      continue;
    }
    const value = reader.string(`the ${field} of the key`);
    if (field === 'ed25519' && value.length !== 32) reader.fail(`an ed25519 key has ${value.length} bytes, not 32`);
    if (field === 'curve') {
      curve = value.toString('latin1');
      if (curve !== /nistp\d+/.exec(type)?.[0]) reader.fail(`curve '${printable(curve)}' does not belong to ${type}`);
    }
    if (field === 'point' && (value.length !== POINT_BYTES[curve] || value[0] !== 4))
      reader.fail(`not an uncompressed ${curve} point`);
    parts.push(wireString(value));
  }
  return { type, blob: Buffer.concat(parts), certificate };
}

function wireString(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

// A magnitude (no leading zeros) as an SSH mpint: a zero byte in front when the top bit is set.
function wireMpint(magnitude: Buffer): Buffer {
  const needsPad = magnitude.length > 0 && (magnitude[0]! & 0x80) !== 0;
  return wireString(needsPad ? Buffer.concat([Buffer.alloc(1), magnitude]) : magnitude);
}

/** Keeps control characters of hostile data out of messages. */
export function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 64);
}
