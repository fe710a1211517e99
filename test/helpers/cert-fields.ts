// A minimal, test-only reader of OpenSSH certificate blobs (PROTOCOL.certkeys): just the fields a revocation check
// needs (the certified key as a plain blob, serial, key id, the CA key). Written apart from src/ on purpose, so the
// revocation tests do not take their expectations from the code they test.

export interface CertFields {
  /** The certified key as a plain key blob (string plain-type + the key's fields). */
  readonly key: Buffer;
  readonly serial: bigint;
  /** 1: user, 2: host. */
  readonly type: number;
  readonly keyId: string;
  readonly principals: string[];
  /** The CA's public key blob (signature key). */
  readonly ca: Buffer;
}

// Number of string/mpint fields of the key inside a certificate, by certificate type.
const KEY_FIELDS: Record<string, [plainType: string, fields: number]> = {
  'ssh-ed25519-cert-v01@openssh.com': ['ssh-ed25519', 1],
  'ssh-rsa-cert-v01@openssh.com': ['ssh-rsa', 2],
  'ecdsa-sha2-nistp256-cert-v01@openssh.com': ['ecdsa-sha2-nistp256', 2],
  'ecdsa-sha2-nistp384-cert-v01@openssh.com': ['ecdsa-sha2-nistp384', 2],
  'ecdsa-sha2-nistp521-cert-v01@openssh.com': ['ecdsa-sha2-nistp521', 2],
};

/** Reads a certificate from its `.pub` line (`TYPE BASE64 [COMMENT]`) or its blob. */
export function certFields(lineOrBlob: string | Buffer): CertFields {
  const blob =
    typeof lineOrBlob === 'string' ? Buffer.from(lineOrBlob.trim().split(/\s+/)[1] ?? '', 'base64') : lineOrBlob;
  let offset = 0;
  const string = (): Buffer => {
    const length = blob.readUInt32BE(offset);
    const value = blob.subarray(offset + 4, offset + 4 + length);
    if (value.length !== length) throw new Error('certificate cut short');
    offset += 4 + length;
    return value;
  };
  const u64 = (): bigint => ((offset += 8), blob.readBigUInt64BE(offset - 8));
  const u32 = (): number => ((offset += 4), blob.readUInt32BE(offset - 4));
  const certType = string().toString('latin1');
  const layout = KEY_FIELDS[certType];
  if (layout === undefined) throw new Error(`not a certificate type this helper knows: ${certType}`);
  string(); // nonce
  const start = offset;
  for (let i = 0; i < layout[1]; i++) string();
  const key = Buffer.concat([wireString(Buffer.from(layout[0])), blob.subarray(start, offset)]);
  const serial = u64();
  const type = u32();
  const keyId = string().toString('utf8');
  const principalsBlob = string();
  const principals: string[] = [];
  for (let at = 0; at < principalsBlob.length;) {
    const length = principalsBlob.readUInt32BE(at);
    principals.push(principalsBlob.subarray(at + 4, at + 4 + length).toString('utf8'));
    at += 4 + length;
  }
  u64(); // valid after
  u64(); // valid before
  string(); // critical options
  string(); // extensions
  string(); // reserved
  const ca = string();
  return { key, serial, type, keyId, principals, ca };
}

/** The blob of a plain `.pub` line. */
export function keyBlob(line: string): Buffer {
  return Buffer.from(line.trim().split(/\s+/)[1] ?? '', 'base64');
}

function wireString(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}
