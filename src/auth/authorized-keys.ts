// OpenSSH authorized_keys files (man sshd, AUTHORIZED_KEYS FILE FORMAT): parsed once at config load into keys that
// public-key auth matches against. A line Keyhole cannot honour exactly (unknown type, an option it does not enforce)
// is an error naming the file and line, never silently accepted or silently relaxed. Options: key-options.ts.
import { constantTimeEqual } from '../ssh/constant-time.ts';
import { fingerprintSha256 } from '../ssh/fingerprint.ts';
import { printable as visible } from '../line/printable.ts';
import { DEFAULT_KEY_OPTIONS, hostNote, parseKeyOptions, refusedOptionNames, type KeyOptions } from './key-options.ts';
import { matchAddressList } from './patterns.ts';

/** One line of authorized_keys: the key, and its options (typed in KeyOptions, as written in `options`). */
export interface AuthorizedKey extends KeyOptions {
  /** The key type, as in the file and inside the blob (`ssh-ed25519`, `ssh-rsa`, ...). */
  type: string;
  /** The decoded public key blob, as the client sends it during auth. */
  blob: Buffer;
  comment: string;
  /** Options exactly as written (`from="10.0.0.1"`, `no-pty`); only ones Keyhole honours survive loading. */
  options: string[];
  /** `SHA256:...`, as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  source: string;
  line: number;
}

const SUPPORTED_TYPES = new Set([
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'ssh-rsa',
]);
const SECURITY_KEY_TYPES = new Set(['sk-ssh-ed25519@openssh.com', 'sk-ecdsa-sha2-nistp256@openssh.com']);
// Bytes of the uncompressed point (0x04 || X || Y) for each ECDSA curve.
const EC_POINT_BYTES: Record<string, number> = { nistp256: 65, nistp384: 97, nistp521: 133 };
const MIN_RSA_BITS = 1024;
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const INVALID_LINE = "not a valid key line (expected 'TYPE BASE64 [COMMENT]')";
const TYPE_LIKE_KEY_RE = /^([a-z0-9][a-z0-9.@-]*)[ \t]+AAAA[A-Za-z0-9+/]{8,}/i;

type LineResult = { key: Omit<AuthorizedKey, 'source' | 'line'> } | { error: string } | null;

// Parse a whole authorized_keys text; every problem is reported as `source:line: message` and that line skipped.
export function parseAuthorizedKeys(text: string, source: string): { keys: AuthorizedKey[]; errors: string[] } {
  const keys: AuthorizedKey[] = [];
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const result = parseLine(raw);
    if (result === null) return;
    if ('error' in result) errors.push(`${source}:${index + 1}: ${result.error}`);
    else keys.push({ ...result.key, source, line: index + 1 });
  });
  return { keys, errors };
}

// Options Keyhole refuses (by name: `environment=`, `tunnel=`, unknown ones); a line with any of them does not load.
export function unsupportedOptions(key: Pick<AuthorizedKey, 'options'>): string[] {
  return refusedOptionNames(key.options);
}

// Whether the key's options forbid a pty (`no-pty`, or `restrict` without a later `pty`): the server refuses pty-req.
export function forbidsPty(key: Pick<AuthorizedKey, 'ptyAllowed'>): boolean {
  return !key.ptyAllowed;
}

/** Why this key may not be used now from this address (from=, expiry-time=), or null. Reasons like "key expired at 2026-01-01T00:00:00Z (expiry-time)" / "address 127.0.0.2 not allowed by from=\"127.0.0.1\"". */
export function keyOptionRefusal(key: AuthorizedKey, at: { ip: string; now: Date }): string | null {
  // The same order as sshd (auth_authorise_keyopts): expiry first, then the source address.
  if (key.expiresAt !== null && at.now.getTime() >= key.expiresAt.getTime()) {
    return `key expired at ${key.expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z')} (expiry-time)`;
  }
  if (key.from !== null) {
    const match = matchAddressList(at.ip, key.from);
    if (match === 1) return null;
    const why = match === -1 ? ' (a negated entry matches it)' : match === -2 ? ' (the list is malformed)' : '';
    return `address ${visible(at.ip)} not allowed by from="${visible(key.from)}"${why}${hostNote(key.from)}`;
  }
  return null;
}

// Find the authorized key with this blob, comparing against every candidate in constant time (no early exit).
// `algo` is the client's algorithm name: RSA keys may sign as ssh-rsa, rsa-sha2-256 or rsa-sha2-512. cert-authority
// lines are never found: they vouch for certificates, they are not keys to log in with.
export function findKey(keys: readonly AuthorizedKey[], algo: string, blob: Buffer): AuthorizedKey | undefined {
  return findKeys(keys, algo, blob)[0];
}

// Every line with this blob, in file order. sshd tries each in turn and takes the first whose options (from=,
// expiry-time=) let it in, so a caller that wants that behaviour walks this list with keyOptionRefusal.
export function findKeys(keys: readonly AuthorizedKey[], algo: string, blob: Buffer): AuthorizedKey[] {
  const found: AuthorizedKey[] = [];
  for (const key of keys) {
    if (constantTimeEqual(key.blob, blob) && !key.certAuthority && algoFitsKey(algo, key.type)) found.push(key);
  }
  return found;
}

/** The cert-authority lines: CAs whose certificates this user may log in with (with the lines' own options). */
export function certificateAuthorities(keys: readonly AuthorizedKey[]): AuthorizedKey[] {
  return keys.filter((key) => key.certAuthority);
}

// Whether a signature algorithm name can belong to a key of this type.
function algoFitsKey(algo: string, type: string): boolean {
  if (type === 'ssh-rsa') return ['ssh-rsa', 'rsa-sha2-256', 'rsa-sha2-512'].includes(algo);
  return algo === type;
}

// One line: null for blank lines and comments, otherwise a key or the reason it was refused.
function parseLine(raw: string): LineResult {
  const line = raw.trim();
  if (line === '' || line.startsWith('#')) return null;
  const first = splitField(line);
  if (first === null) return { error: 'unterminated quote in the options' };
  if (isKnownType(first.field)) return parseKey(line, [], DEFAULT_KEY_OPTIONS);
  // Not a key type, so (as sshd does) read the first field as options and expect the key after it.
  const rest = first.rest.trimStart();
  const next = splitField(rest);
  if (next === null || !isKnownType(next.field)) return { error: unrecognisedLine(line, rest) };
  const options = splitOptions(first.field);
  if (options.includes('')) return { error: 'empty option in the options field (check the commas)' };
  const parsed = parseKeyOptions(options);
  if ('error' in parsed) return parsed;
  return parseKey(rest, options, parsed.options);
}

// `TYPE BASE64 [COMMENT]` with a type already known to be recognised.
function parseKey(text: string, options: string[], typed: KeyOptions): LineResult {
  const [, type = '', data = '', comment = ''] = /^(\S+)(?:[ \t]+(\S+))?(?:[ \t]+(.*))?$/.exec(text) ?? [];
  if (SECURITY_KEY_TYPES.has(type)) {
    return { error: `security-key type '${type}' is not supported by the server; the key is skipped` };
  }
  if (!SUPPORTED_TYPES.has(type)) return { error: unsupportedType(type) };
  if (data === '' || !BASE64_RE.test(data)) return { error: INVALID_LINE };
  const blob = Buffer.from(data, 'base64');
  const problem = blobProblem(type, blob);
  if (problem) return { error: problem };
  return { key: { type, blob, comment, options, ...typed, fingerprint: fingerprintSha256(blob) } };
}

// Why a decoded blob does not hold a well-formed key of the declared type, or null.
function blobProblem(type: string, blob: Buffer): string | null {
  const fields = readStrings(blob);
  if (fields === null || fields.length === 0) return `the key data is not a valid ${type} key`;
  const embedded = fields[0]!.toString('latin1');
  if (embedded !== type) return `the line says '${type}' but the key data is '${printable(embedded)}'`;
  if (type === 'ssh-ed25519' && fields.length === 2 && fields[1]!.length === 32) return null;
  if (type.startsWith('ecdsa-sha2-') && fields.length === 3) {
    const curve = type.slice('ecdsa-sha2-'.length);
    const point = fields[2]!;
    if (fields[1]!.toString('latin1') === curve && point.length === EC_POINT_BYTES[curve] && point[0] === 4)
      return null;
  }
  if (type === 'ssh-rsa' && fields.length === 3) {
    const bits = mpintBits(fields[2]!);
    if (bits >= MIN_RSA_BITS) return null;
    if (bits > 0) return `the RSA key has ${bits} bits, fewer than ${MIN_RSA_BITS}; make a new key`;
  }
  return `the key data is not a valid ${type} key`;
}

// Split a blob into its uint32-length-prefixed strings; null when a length runs past the end.
function readStrings(blob: Buffer): Buffer[] | null {
  const fields: Buffer[] = [];
  let offset = 0;
  while (offset < blob.length) {
    if (offset + 4 > blob.length) return null;
    const length = blob.readUInt32BE(offset);
    if (offset + 4 + length > blob.length) return null;
    fields.push(blob.subarray(offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  return fields;
}

// Number of significant bits in a positive SSH mpint (big-endian, maybe with a leading zero byte).
function mpintBits(mpint: Buffer): number {
  const start = mpint.findIndex((byte) => byte !== 0);
  if (start < 0) return 0;
  return (mpint.length - start - 1) * 8 + (32 - Math.clz32(mpint[start]!));
}

// The first whitespace-delimited field, where whitespace inside double quotes (and \" escapes) does not count.
function splitField(text: string): { field: string; rest: string } | null {
  let quoted = false;
  let i = 0;
  for (; i < text.length && (quoted || (text[i] !== ' ' && text[i] !== '\t')); i++) {
    if (text[i] === '\\' && text[i + 1] === '"') i++;
    else if (text[i] === '"') quoted = !quoted;
  }
  return quoted ? null : { field: text.slice(0, i), rest: text.slice(i) };
}

// Split an options field at commas outside double quotes.
function splitOptions(field: string): string[] {
  const options: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i <= field.length; i++) {
    if (field[i] === '\\' && field[i + 1] === '"') i++;
    else if (field[i] === '"') quoted = !quoted;
    else if (i === field.length || (field[i] === ',' && !quoted)) {
      options.push(field.slice(start, i));
      start = i + 1;
    }
  }
  return options;
}

function isKnownType(word: string): boolean {
  return SUPPORTED_TYPES.has(word) || SECURITY_KEY_TYPES.has(word);
}

// The message for a line with no recognised key type: name the type when the line still looks like a key.
function unrecognisedLine(line: string, afterOptions: string): string {
  const match = TYPE_LIKE_KEY_RE.exec(line) ?? TYPE_LIKE_KEY_RE.exec(afterOptions);
  return match ? unsupportedType(match[1]!) : INVALID_LINE;
}

function unsupportedType(type: string): string {
  return `key type '${printable(type)}' is not supported; use ssh-ed25519, ecdsa-sha2-nistp256/384/521 or ssh-rsa`;
}

// Keep control characters from a hostile blob out of error messages.
function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 64);
}
