// Password hashing for Keyhole: scrypt hashes in a self-describing string, verified in constant time.
// The config only ever holds these hashes (`keyhole hash-password` prints one); parameters are read back from the
// string but capped, so a hand-edited config cannot make every login burn a gigabyte or a minute.
import { randomBytes, scrypt, type ScryptOptions } from 'node:crypto';
import { constantTimeEqual } from '../ssh/constant-time.ts';

/** Parameters of one scrypt hash; `ln` is log2 of N. */
export interface ScryptParams {
  readonly ln: number;
  readonly r: number;
  readonly p: number;
}

interface ParsedHash {
  readonly params: ScryptParams;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

type ParseResult = { ok: true; value: ParsedHash } | { ok: false; reason: string };

const DEFAULT_PARAMS: ScryptParams = { ln: 15, r: 8, p: 1 };
const SALT_BYTES = 16;
const KEY_BYTES = 32;
// Caps on what a stored hash may ask for: N ≤ 2^20, memory ≤ 256 MiB, work (N·r·p) ≤ 16× the default.
const MAX_LN = 20;
const MAX_R = 32;
const MAX_P = 16;
const MAX_MEMORY = 256 * 1024 * 1024;
const MAX_WORK = 2 ** 22;

const HASH_RE = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;
const NOT_A_HASH = 'must be a hash from `keyhole hash-password`, not a plain password';

// Any valid hash, so that an unknown user costs one full scrypt like a known one (its password is irrelevant).
const DUMMY_HASH = `$scrypt$ln=${DEFAULT_PARAMS.ln},r=${DEFAULT_PARAMS.r},p=${DEFAULT_PARAMS.p}$${'A'.repeat(22)}$${'A'.repeat(43)}`;

// Derive the scrypt key asynchronously, with maxmem large enough for the params (Node's default is too tight for 2^15).
function derive(password: string, salt: Buffer, params: ScryptParams, keyLength: number): Promise<Buffer> {
  const N = 2 ** params.ln;
  const options: ScryptOptions = {
    N,
    r: params.r,
    p: params.p,
    // OpenSSL needs 128·r·(N + p + 2) bytes; leave a little room above it.
    maxmem: 128 * params.r * (N + params.p + 2) + 1024 * 1024,
  };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

// Say why a set of parameters is unsafe to run, or null when it is within the caps.
function paramsProblem({ ln, r, p }: ScryptParams): string | null {
  if (ln < 1 || ln > MAX_LN) return `ln=${ln} is outside 1..${MAX_LN}`;
  if (r < 1 || r > MAX_R) return `r=${r} is outside 1..${MAX_R}`;
  if (p < 1 || p > MAX_P) return `p=${p} is outside 1..${MAX_P}`;
  if (128 * 2 ** ln * r > MAX_MEMORY) return `ln=${ln},r=${r} needs more than ${MAX_MEMORY / 2 ** 20} MiB`;
  if (2 ** ln * r * p > MAX_WORK) return `ln=${ln},r=${r},p=${p} is more work than allowed`;
  return null;
}

// Parse `$scrypt$ln=..,r=..,p=..$salt$hash` and check its parameters and lengths.
function parseHash(encoded: string): ParseResult {
  const match = HASH_RE.exec(encoded);
  if (!match) return { ok: false, reason: 'is not in the form $scrypt$ln=N,r=N,p=N$SALT$HASH' };
  const [, ln, r, p, salt64, hash64] = match as unknown as [string, string, string, string, string, string];
  const params = { ln: Number(ln), r: Number(r), p: Number(p) };
  const problem = paramsProblem(params);
  if (problem) return { ok: false, reason: `has unsafe parameters (${problem})` };
  const salt = Buffer.from(salt64, 'base64');
  const hash = Buffer.from(hash64, 'base64');
  if (salt.length < 8 || salt.length > 64) return { ok: false, reason: 'has a salt that is not 8..64 bytes' };
  if (hash.length < 16 || hash.length > 64) return { ok: false, reason: 'has a hash that is not 16..64 bytes' };
  return { ok: true, value: { params, salt, hash } };
}

// Standard base64 without padding, as in the PHC string format.
function b64(bytes: Buffer): string {
  return bytes.toString('base64').replace(/=+$/, '');
}

// Hash a password for the config: scrypt N=2^15, r=8, p=1, a random 16-byte salt, a 32-byte key.
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, DEFAULT_PARAMS, KEY_BYTES);
  const { ln, r, p } = DEFAULT_PARAMS;
  return `$scrypt$ln=${ln},r=${r},p=${p}$${b64(salt)}$${b64(key)}`;
}

// Check a password against a stored hash; false (never an exception) for a wrong password or a malformed hash.
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  if (typeof password !== 'string' || typeof encoded !== 'string') return false;
  const parsed = parseHash(encoded);
  if (!parsed.ok) return false;
  const { params, salt, hash } = parsed.value;
  try {
    const key = await derive(password, salt, params, hash.length);
    return constantTimeEqual(key, hash);
  } catch {
    return false;
  }
}

// Spend one default-cost scrypt and fail: used for unknown users so they take as long as a wrong password.
export async function burnPasswordCheck(password: string): Promise<false> {
  await verifyPassword(typeof password === 'string' ? password : '', DUMMY_HASH);
  return false;
}

// Whether a config value is a usable hash from `keyhole hash-password`.
export function isPasswordHash(s: string): boolean {
  return typeof s === 'string' && parseHash(s).ok;
}

// Why a config value is not a usable hash, as a phrase to follow the field's name
// (`users.alice.password ${problem}`), or null when it is fine.
export function describeHashProblem(s: string): string | null {
  if (typeof s !== 'string') return NOT_A_HASH;
  if (!s.startsWith('$scrypt$')) return NOT_A_HASH;
  const parsed = parseHash(s);
  if (parsed.ok) return null;
  return `${parsed.reason}; make a new one with \`keyhole hash-password\``;
}
