// SSH public keys and signatures in wire format (RFC 4253 §6.6, RFC 5656, RFC 8332, RFC 8709), checked with
// node:crypto alone. Certificates need this twice (the CA's signature over the certificate, the user's over the session),
// and neither passes through ssh2's own verification: ssh2 does not know certificate key types.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { WireError, WireReader } from './wire-reader.ts';

/** The curve, coordinate size and hash of each ECDSA key type. */
const CURVES: Record<string, { crv: string; bytes: number; hash: string }> = {
  'ecdsa-sha2-nistp256': { crv: 'P-256', bytes: 32, hash: 'sha256' },
  'ecdsa-sha2-nistp384': { crv: 'P-384', bytes: 48, hash: 'sha384' },
  'ecdsa-sha2-nistp521': { crv: 'P-521', bytes: 66, hash: 'sha512' },
};
/** RSA signature algorithms and their hashes; `ssh-rsa` (SHA-1) is refused, as OpenSSH has done since 8.8. */
const RSA_HASHES: Record<string, string> = { 'rsa-sha2-256': 'sha256', 'rsa-sha2-512': 'sha512' };
/** OpenSSH's RequiredRSASize default. */
const MIN_RSA_BITS = 1024;

/** A plain public key, ready to verify with. */
export interface PublicKey {
  /** `ssh-ed25519`, `ecdsa-sha2-nistp256`, ..., `ssh-rsa`. */
  readonly type: string;
  readonly key: KeyObject;
}

/** Reads a plain public key from its fields, as they follow the type name in a key blob or a certificate. */
export function readPublicKeyFields(type: string, reader: WireReader): PublicKey {
  if (type === 'ssh-ed25519') {
    const point = reader.string('the ed25519 key');
    if (point.length !== 32) throw new WireError('the ed25519 key is not 32 bytes');
    return { type, key: jwk({ kty: 'OKP', crv: 'Ed25519', x: b64u(point) }) };
  }
  const curve = CURVES[type];
  if (curve) {
    const name = reader.text('the curve name');
    const point = reader.string('the curve point');
    if (`ecdsa-sha2-${name}` !== type) throw new WireError(`the curve '${name}' does not match ${type}`);
    if (point.length !== 1 + 2 * curve.bytes || point[0] !== 4) throw new WireError('the curve point is malformed');
    const x = point.subarray(1, 1 + curve.bytes);
    const y = point.subarray(1 + curve.bytes);
    return { type, key: jwk({ kty: 'EC', crv: curve.crv, x: b64u(x), y: b64u(y) }) };
  }
  if (type === 'ssh-rsa') {
    const e = positiveMpint(reader.string('the RSA exponent'), 'the RSA exponent');
    const n = positiveMpint(reader.string('the RSA modulus'), 'the RSA modulus');
    const bits = n.length * 8 - Math.clz32(n[0]!) + 24;
    if (bits < MIN_RSA_BITS) throw new WireError(`the RSA key has ${bits} bits, fewer than ${MIN_RSA_BITS}`);
    return { type, key: jwk({ kty: 'RSA', n: b64u(n), e: b64u(e) }) };
  }
  throw new WireError(`key type '${printable(type)}' is not supported`);
}

/** Parses a whole plain key blob (`string type` and the key's fields, nothing after). */
export function parsePublicKeyBlob(blob: Buffer): PublicKey {
  const reader = new WireReader(blob);
  const key = readPublicKeyFields(reader.text('the key type'), reader);
  reader.end('the key');
  return key;
}

/**
 * Verifies an SSH signature blob (`string algorithm, string signature`) over `data`; `algorithms` narrows which
 * signature algorithms are acceptable (a certificate's RSA algorithm name fixes the hash). Returns null when the
 * signature holds, else why not.
 */
export function signatureProblem(
  key: PublicKey,
  data: Buffer,
  signatureBlob: Buffer,
  algorithms?: readonly string[],
): string | null {
  let algorithm: string;
  let signature: Buffer;
  try {
    const reader = new WireReader(signatureBlob);
    algorithm = reader.text('the signature algorithm');
    signature = reader.string('the signature');
    reader.end('the signature');
  } catch (err) {
    return err instanceof WireError ? err.message : 'the signature is malformed';
  }
  if (algorithms && !algorithms.includes(algorithm))
    return `signature algorithm '${printable(algorithm)}' not allowed here`;
  try {
    if (key.type === 'ssh-ed25519') {
      if (algorithm !== 'ssh-ed25519' || signature.length !== 64) return 'not an ed25519 signature';
      return verify(null, data, key.key, signature) ? null : 'the signature does not verify';
    }
    const curve = CURVES[key.type];
    if (curve) {
      if (algorithm !== key.type) return `a ${printable(algorithm)} signature for a ${key.type} key`;
      const p1363 = ecdsaP1363(signature, curve.bytes);
      if (!p1363) return 'the ECDSA signature is malformed';
      const ok = verify(curve.hash, data, { key: key.key, dsaEncoding: 'ieee-p1363' }, p1363);
      return ok ? null : 'the signature does not verify';
    }
    const hash = RSA_HASHES[algorithm];
    if (key.type !== 'ssh-rsa' || !hash) return `a ${printable(algorithm)} signature for a ${key.type} key`;
    return verify(hash, data, key.key, signature) ? null : 'the signature does not verify';
  } catch {
    return 'the signature does not verify';
  }
}

// The (r, s) mpint pair of an SSH ECDSA signature as the fixed-width r || s that node:crypto takes.
function ecdsaP1363(signature: Buffer, bytes: number): Buffer | null {
  try {
    const reader = new WireReader(signature);
    const r = positiveMpint(reader.string('r'), 'r');
    const s = positiveMpint(reader.string('s'), 's');
    reader.end('the ECDSA signature');
    if (r.length > bytes || s.length > bytes) return null;
    const out = Buffer.alloc(2 * bytes);
    r.copy(out, bytes - r.length);
    s.copy(out, 2 * bytes - s.length);
    return out;
  } catch {
    return null;
  }
}

// The magnitude of a positive mpint without its leading zero bytes; negative or zero values are malformed here.
function positiveMpint(mpint: Buffer, what: string): Buffer {
  if (mpint.length === 0 || (mpint[0]! & 0x80) !== 0) throw new WireError(`${what} is not a positive number`);
  const start = mpint.findIndex((byte) => byte !== 0);
  if (start < 0) throw new WireError(`${what} is zero`);
  return mpint.subarray(start);
}

function jwk(key: Record<string, string>): KeyObject {
  try {
    return createPublicKey({ key, format: 'jwk' });
  } catch {
    throw new WireError(`the ${key.kty === 'RSA' ? 'RSA' : key.crv} key is not a valid public key`);
  }
}

function b64u(bytes: Buffer): string {
  return bytes.toString('base64url');
}

function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 64);
}
