// OpenSSH's binary key revocation list (PROTOCOL.krl, `ssh-keygen -k`), read as krl.c's ssh_krl_from_blob reads it:
// strictly. A length that runs past its section, bytes left over in a section, an unknown section or subsection type,
// a critical extension or another format version make the whole file an error: a half-read revocation list would
// let revoked keys in without anyone noticing.
import { plainKeyOf } from './revocation-keys.ts';
import { ANY_CA, RevocationBuilder, type RevokedKeys } from './revocation-list.ts';
import { WireReader } from './revocation-wire.ts';

/** "SSHKRL\n\0": a file that starts otherwise is not a KRL (sshd then reads it as a list of keys). */
export const KRL_MAGIC = Buffer.from('SSHKRL\n\0', 'latin1');
const FORMAT_VERSION = 1;
const MAX_U64 = (1n << 64n) - 1n;

const SECTION_NAMES: Readonly<Record<number, string>> = {
  1: 'certificates',
  2: 'explicit keys',
  3: 'SHA1 fingerprints',
  4: 'signature',
  5: 'SHA256 fingerprints',
  255: 'extension',
};
const SUBSECTION_NAMES: Readonly<Record<number, string>> = {
  0x20: 'serial list',
  0x21: 'serial range',
  0x22: 'serial bitmap',
  0x23: 'key ids',
  0x39: 'extension',
};

/** Reads a KRL (starting with KRL_MAGIC); throws WireError with the reason when it is not well formed. */
export function parseKrl(data: Buffer, source: string): RevokedKeys {
  const header = new WireReader(data, 'the KRL header');
  header.u64('the magic'); // checked by the caller
  const version = header.u32('the format version');
  if (version !== FORMAT_VERSION) header.fail(`format version ${version} is not ${FORMAT_VERSION}`);
  header.u64('krl_version');
  header.u64('generated_date');
  header.u64('flags'); // none are defined; krl.c ignores them too
  header.string('the reserved field');
  header.cstring('the comment');
  const builder = new RevocationBuilder();
  for (let index = 1; !header.done; index++) {
    const type = header.u8(`the type of section ${index}`);
    const name = SECTION_NAMES[type];
    if (name === undefined) header.fail(`section ${index} has unknown type ${type}`);
    const section = header.sub(`section ${index}`, `section ${index} (${name})`);
    if (type === 1) readCertificates(section, builder);
    else if (type === 2) readBlobs(section, builder.keys, 0);
    else if (type === 3) readBlobs(section, builder.sha1, 20);
    else if (type === 5) readBlobs(section, builder.sha256, 32);
    else if (type === 255) readExtension(section);
    // A signature section is `string signature_key, string signature`: the key was the section read above; skip the
    // signature too. Like sshd's RevokedKeys (krl.c since OpenSSH 9.4 skips the section, though PROTOCOL.krl says it
    // refuses it), a signature is neither checked nor required: the file's trust comes from the operator's disk.
    else if (type === 4) header.string('the signature');
    if (type !== 4) section.end();
  }
  return builder.finish(source);
}

// A certificates section: the CA key (empty: any CA), a reserved string, then typed subsections.
function readCertificates(section: WireReader, builder: RevocationBuilder): void {
  const caBlob = section.string('the CA key');
  section.string('the reserved field');
  const ca = caBlob.length === 0 ? ANY_CA : caKey(caBlob, section);
  builder.forCa(ca);
  for (let index = 1; !section.done; index++) {
    const type = section.u8(`the type of subsection ${index}`);
    const name = SUBSECTION_NAMES[type];
    if (name === undefined) section.fail(`subsection ${index} has unknown type 0x${type.toString(16)}`);
    const sub = section.sub(`subsection ${index}`, `a certificates section's subsection ${index} (${name})`);
    if (type === 0x20) while (!sub.done) addSerials(sub, builder, ca, sub.u64('a serial'), undefined);
    else if (type === 0x21) addSerials(sub, builder, ca, sub.u64('serial_min'), sub.u64('serial_max'));
    else if (type === 0x22) readBitmap(sub, builder, ca);
    else if (type === 0x23) while (!sub.done) builder.addKeyId(ca, sub.cstring('a key id'));
    else readExtension(sub);
    sub.end();
  }
}

// The CA's canonical plain key (hex). sshd parses it (sshkey_from_blob), so a malformed one fails the whole file.
function caKey(blob: Buffer, section: WireReader): string {
  let key;
  try {
    key = plainKeyOf(blob, 'the CA key');
  } catch (err) {
    section.fail(`the CA key is not a key: ${(err as Error).message}`);
  }
  // A certificate can never sign certificates, so a section under one could match nothing: say so instead.
  if (key.certificate) section.fail('the CA key is a certificate, not a plain key');
  return key.blob.toString('hex');
}

// krl.c refuses serial 0 (the "no serial" of certificates) and ranges that run backwards.
function addSerials(sub: WireReader, builder: RevocationBuilder, ca: string, lo: bigint, hi = lo): void {
  if (lo === 0n) sub.fail('serial 0 cannot be revoked');
  if (lo > hi) sub.fail(`the range ${lo}-${hi} runs backwards`);
  builder.addSerials(ca, lo, hi);
}

// `uint64 serial_offset, mpint bitmap`: bit N (from the least significant) revokes serial_offset + N.
function readBitmap(sub: WireReader, builder: RevocationBuilder, ca: string): void {
  const offset = sub.u64('serial_offset');
  const bitmap = sub.mpint('the bitmap');
  const bits = bitmap.length * 8;
  let runStart = -1;
  for (let bit = 0; bit <= bits; bit++) {
    const set = bit < bits && ((bitmap[bitmap.length - 1 - (bit >> 3)]! >> (bit & 7)) & 1) === 1;
    if (set && runStart < 0) runStart = bit;
    if (set || runStart < 0) continue;
    const lo = offset + BigInt(runStart);
    const hi = offset + BigInt(bit - 1);
    if (hi > MAX_U64) sub.fail('the bitmap runs past serial 2^64-1');
    addSerials(sub, builder, ca, lo, hi);
    runStart = -1;
  }
}

// `string name, bool critical, string contents`: OpenSSH knows no extension, so only a non-critical one may pass.
function readExtension(section: WireReader): void {
  const name = section.cstring('the extension name');
  const critical = section.u8('the critical flag');
  section.string('the extension contents');
  if (critical !== 0) section.fail(`critical extension '${name.replace(/[^\x20-\x7e]/g, '?')}' is not supported`);
}

// The set an explicit key or fingerprint section adds to; hashes must have their digest's length.
function readBlobs(section: WireReader, into: Set<string>, length: number): void {
  while (!section.done) {
    const blob = section.string('an entry');
    if (length !== 0 && blob.length !== length) section.fail(`an entry has ${blob.length} bytes, not ${length}`);
    into.add(blob.toString('hex'));
  }
}
