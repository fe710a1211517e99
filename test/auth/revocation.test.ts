// sshd's RevokedKeys: KRLs made by the real ssh-keygen (-k, -u, specs with serial/id/key/sha1/sha256/hash, a
// wildcard CA) and text lists, each answer checked against `ssh-keygen -Q` for the same keys and certificates; the
// strict reader's errors on damaged KRLs; and fast-check: no input makes the parser throw.
import test, { type ExecutionContext } from 'ava';
import fc from 'fast-check';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  NOTHING_REVOKED,
  parseRevokedKeys,
  revocationOf,
  type RevocationSubject,
  type RevokedKeys,
} from '../../src/auth/revocation.ts';
import { fingerprintSha256 } from '../../src/ssh/fingerprint.ts';
import { certFields, keyBlob } from '../helpers/cert-fields.ts';

// A temp dir of keys, certificates and KRLs made with ssh-keygen; removed when the test ends.
class Workspace {
  constructor(readonly dir: string) {}

  static open(t: ExecutionContext): Workspace {
    const dir = mkdtempSync(path.join(tmpdir(), 'keyhole-krl-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    return new Workspace(dir);
  }

  file(name: string): string {
    return path.join(this.dir, name);
  }

  /** A key pair `name`, `name.pub`; returns the .pub path. */
  key(name: string, type: 'ed25519' | 'ecdsa' | 'rsa' = 'ed25519'): string {
    const bits = type === 'rsa' ? ['-b', '2048'] : [];
    execFileSync('ssh-keygen', ['-q', '-t', type, ...bits, '-N', '', '-C', name, '-f', this.file(name)]);
    return this.file(`${name}.pub`);
  }

  /** A user certificate of key `name` signed by CA `ca` with this serial and key id; returns the -cert.pub path. */
  cert(ca: string, name: string, serial: bigint | number, keyId = 'keyid'): string {
    const copy = `${name}-${ca}-${serial}-${keyId}`;
    copyFileSync(this.file(`${name}.pub`), this.file(`${copy}.pub`));
    execFileSync(
      'ssh-keygen',
      ['-q', '-s', this.file(ca), '-I', keyId, '-n', 'alice', '-z', String(serial), this.file(`${copy}.pub`)],
      { stdio: 'pipe' },
    );
    return this.file(`${copy}-cert.pub`);
  }

  /** `ssh-keygen -k -f name ARGS...`; a spec text is written to a file and passed last. Returns the KRL's path. */
  krl(name: string, args: string[], spec?: string): string {
    const files = [];
    if (spec !== undefined) {
      writeFileSync(this.file(`${name}.spec`), spec);
      files.push(this.file(`${name}.spec`));
    }
    execFileSync('ssh-keygen', ['-k', '-f', this.file(name), ...args, ...files], { stdio: 'pipe' });
    return this.file(name);
  }

  line(file: string): string {
    return readFileSync(file, 'utf8').trim();
  }
}

// What sshd would be asked about a key or certificate file: its key, and its certificate fields.
function subjectOf(pubFile: string): RevocationSubject {
  const line = readFileSync(pubFile, 'utf8');
  if (!line.split(' ')[0]!.includes('-cert-')) return { key: keyBlob(line) };
  const cert = certFields(line);
  return { key: cert.key, certificate: { ca: cert.ca, serial: cert.serial, keyId: cert.keyId } };
}

// The oracle: `ssh-keygen -Q -f krl file` prints `file (comment): REVOKED` (exit 1) or `: ok` (exit 0).
function sshKeygenRevokes(krl: string, pubFile: string): boolean {
  const result = spawnSync('ssh-keygen', ['-Q', '-f', krl, pubFile], { encoding: 'utf8', timeout: 10_000 });
  if (result.status === 0 && result.stdout.trimEnd().endsWith(': ok')) return false;
  if (result.status === 1 && result.stdout.trimEnd().endsWith(': REVOKED')) return true;
  throw new Error(`ssh-keygen -Q failed: ${result.status} ${result.stdout} ${result.stderr}`);
}

function load(file: string): RevokedKeys {
  const parsed = parseRevokedKeys(readFileSync(file), file);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed.revoked;
}

// Every file gets the same answer from revocationOf as from ssh-keygen -Q, and that answer is the expected one.
function agrees(t: ExecutionContext, krl: string, revoked: string[], notRevoked: string[]): void {
  const list = load(krl);
  for (const file of [...revoked, ...notRevoked]) {
    const ours = revocationOf(list, subjectOf(file));
    const name = path.basename(file);
    t.is(sshKeygenRevokes(krl, file), revoked.includes(file), `ssh-keygen on ${name}`);
    t.is(ours !== null, revoked.includes(file), `revocationOf on ${name}: ${ours}`);
  }
}

// The certificate subsection types in a KRL (0x20 list, 0x21 range, 0x22 bitmap, 0x23 key ids): which ones the
// real ssh-keygen chose, so the tests know each is exercised.
function subsectionTypes(krl: Buffer): number[] {
  const types: number[] = [];
  const str = (at: number) => 4 + krl.readUInt32BE(at);
  let at = 8 + 4 + 24;
  at += str(at);
  at += str(at);
  while (at < krl.length) {
    const type = krl[at]!;
    const end = at + 1 + str(at + 1);
    if (type === 1) {
      let sub = at + 5;
      sub += str(sub);
      sub += str(sub);
      for (; sub < end; sub += 1 + str(sub + 1)) types.push(krl[sub]!);
    }
    at = end;
  }
  return types;
}

const fp = (file: string) => fingerprintSha256(keyBlob(readFileSync(file, 'utf8')));

test('plain keys revoked with ssh-keygen -k (ed25519, ecdsa, rsa) are reported, others are not', (t) => {
  const ws = Workspace.open(t);
  const [ed, ec, rsa, other] = [ws.key('ed'), ws.key('ec', 'ecdsa'), ws.key('rsa', 'rsa'), ws.key('other')];
  const krl = ws.krl('krl', [ed, ec, rsa]);
  agrees(t, krl, [ed, ec, rsa], [other]);
  t.is(revocationOf(load(krl), subjectOf(ed)), `key ${fp(ed)} is revoked (${krl})`);
});

test('a certificate of a revoked plain key is revoked too, under any CA', (t) => {
  const ws = Workspace.open(t);
  ws.key('ca');
  ws.key('user');
  ws.key('other');
  const [cert, otherCert] = [ws.cert('ca', 'user', 3), ws.cert('ca', 'other', 3)];
  const krl = ws.krl('krl', [ws.file('user.pub')]);
  agrees(t, krl, [cert], [otherCert]);
});

test('serial: 7 and serial: 10-20 revoke those certificates of that CA only', (t) => {
  const ws = Workspace.open(t);
  ws.key('ca');
  ws.key('ca2');
  ws.key('user');
  const krl = ws.krl('krl', ['-s', ws.file('ca.pub')], 'serial: 7\nserial: 10-20\n');
  const revoked = [7, 10, 15, 20].map((s) => ws.cert('ca', 'user', s));
  const kept = [1, 6, 8, 9, 21].map((s) => ws.cert('ca', 'user', s));
  kept.push(ws.cert('ca2', 'user', 7), ws.cert('ca', 'user', 0));
  agrees(t, krl, revoked, kept);
  const caFp = fp(ws.file('ca.pub'));
  t.is(revocationOf(load(krl), subjectOf(revoked[0]!)), `certificate serial 7 of CA ${caFp} is revoked (${krl})`);
});

test('serial lists, ranges and bitmaps as ssh-keygen writes them', (t) => {
  const ws = Workspace.open(t);
  ws.key('ca');
  ws.key('user');
  const dense = Array.from({ length: 20 }, (_, i) => `serial: ${1000 + 3 * i}`).join('\n');
  const spec = `serial: 5\nserial: 9000000000\nserial: 18446744073709551615\nserial: 100000-2000000\n${dense}\n`;
  const krl = ws.krl('krl', ['-s', ws.file('ca.pub')], spec);
  const types = subsectionTypes(readFileSync(krl));
  t.true(types.includes(0x20) && types.includes(0x21) && types.includes(0x22), `subsections ${types}`);
  const revoked = [5, 9000000000, 18446744073709551615n, 100000, 1500000, 2000000, 1000, 1003, 1057].map((s) =>
    ws.cert('ca', 'user', s),
  );
  const kept = [4, 6, 8999999999, 18446744073709551614n, 99999, 2000001, 999, 1001, 1002, 1058, 1060].map((s) =>
    ws.cert('ca', 'user', s),
  );
  agrees(t, krl, revoked, kept);
});

test('id: revokes certificates with that key id, whatever their serial (0 included)', (t) => {
  const ws = Workspace.open(t);
  ws.key('ca');
  ws.key('user');
  const krl = ws.krl('krl', ['-s', ws.file('ca.pub')], 'id: bob@laptop\nid: key with spaces\n');
  t.true(subsectionTypes(readFileSync(krl)).includes(0x23));
  const revoked = [ws.cert('ca', 'user', 0, 'bob@laptop'), ws.cert('ca', 'user', 99, 'bob@laptop')];
  revoked.push(ws.cert('ca', 'user', 5, 'key with spaces'));
  const kept = [ws.cert('ca', 'user', 0, 'bob'), ws.cert('ca', 'user', 99, 'bob@laptop2')];
  agrees(t, krl, revoked, kept);
  const caFp = fp(ws.file('ca.pub'));
  t.is(
    revocationOf(load(krl), subjectOf(revoked[1]!)),
    `certificate key id 'bob@laptop' of CA ${caFp} is revoked (${krl})`,
  );
});

test('a section with an empty CA key (ssh-keygen -s none) applies to every CA', (t) => {
  const ws = Workspace.open(t);
  ws.key('ca');
  ws.key('ca2');
  ws.key('user');
  const krl = ws.krl('krl', ['-s', 'none'], 'id: shared\nserial: 42\n');
  const revoked = [ws.cert('ca', 'user', 1, 'shared'), ws.cert('ca2', 'user', 2, 'shared')];
  revoked.push(ws.cert('ca', 'user', 42), ws.cert('ca2', 'user', 42));
  const kept = [ws.cert('ca', 'user', 41), ws.cert('ca2', 'user', 43, 'shared2')];
  agrees(t, krl, revoked, kept);
  t.is(revocationOf(load(krl), subjectOf(revoked[3]!)), `certificate serial 42 under any CA is revoked (${krl})`);
});

test('key:, sha1:, sha256: and hash: lines revoke plain keys and their certificates', (t) => {
  const ws = Workspace.open(t);
  ws.key('ca');
  const keys = ['k1', 'k2', 'k3', 'k4'].map((name, i) => ws.key(name, i === 1 ? 'rsa' : i === 2 ? 'ecdsa' : 'ed25519'));
  const other = ws.key('other');
  const hash = execFileSync('ssh-keygen', ['-lf', keys[3]!], { encoding: 'utf8' }).split(' ')[1];
  const spec = `key: ${ws.line(keys[0]!)}\nsha1: ${ws.line(keys[1]!)}\nsha256: ${ws.line(keys[2]!)}\nhash: ${hash}\n`;
  const krl = ws.krl('krl', [], spec);
  const certs = ['k1', 'k2', 'k3', 'k4'].map((name) => ws.cert('ca', name, 1));
  agrees(t, krl, [...keys, ...certs], [other, ws.cert('ca', 'other', 1)]);
});

test('a revoked CA key revokes every certificate it signed, and says so', (t) => {
  const ws = Workspace.open(t);
  ws.key('ca');
  ws.key('ca2');
  ws.key('user');
  const krl = ws.krl('krl', [], `key: ${ws.line(ws.file('ca.pub'))}\n`);
  const cert = ws.cert('ca', 'user', 1);
  agrees(t, krl, [cert, ws.file('ca.pub')], [ws.cert('ca2', 'user', 1), ws.file('user.pub')]);
  t.is(revocationOf(load(krl), subjectOf(cert)), `CA ${fp(ws.file('ca.pub'))} of the certificate is revoked (${krl})`);
});

test('ssh-keygen -u adds to a KRL: old and new revocations both hold', (t) => {
  const ws = Workspace.open(t);
  ws.key('ca');
  ws.key('user');
  const late = ws.key('late');
  const krl = ws.krl('krl', ['-s', ws.file('ca.pub')], 'serial: 7\n');
  const cert = ws.cert('ca', 'user', 7);
  agrees(t, krl, [cert], [late]);
  ws.krl('krl', ['-u', '-s', ws.file('ca.pub')], `id: gone\nkey: ${ws.line(late)}\n`);
  agrees(t, krl, [cert, late, ws.cert('ca', 'user', 8, 'gone')], [ws.cert('ca', 'user', 8)]);
});

test('an RSA key sent with padded mpints is still found (keys are compared in canonical form)', (t) => {
  const ws = Workspace.open(t);
  const rsa = ws.key('rsa', 'rsa');
  const list = load(ws.krl('krl', [], `sha256: ${ws.line(rsa)}\n`));
  const blob = keyBlob(ws.line(rsa));
  // string "ssh-rsa", mpint e, mpint n: give e two extra leading zero bytes (same number).
  const typeEnd = 4 + blob.readUInt32BE(0);
  const eLength = blob.readUInt32BE(typeEnd);
  const padded = Buffer.alloc(4);
  padded.writeUInt32BE(eLength + 2);
  const odd = Buffer.concat([blob.subarray(0, typeEnd), padded, Buffer.alloc(2), blob.subarray(typeEnd + 4)]);
  t.not(revocationOf(list, { key: odd }), null);
});

test('a text list of keys revokes its keys, the certificates of its keys, and certificates of its CAs', (t) => {
  const ws = Workspace.open(t);
  // (ssh-keygen -Q reads only KRLs, so these expectations come from authfile.c's sshkey_in_file.)
  const [ca, ca2, user, other] = [ws.key('ca'), ws.key('ca2'), ws.key('user', 'ecdsa'), ws.key('other')];
  const fresh = ws.key('fresh', 'rsa');
  const listed = ws.cert('ca2', 'other', 9);
  const text = `# revoked\n\n  ${ws.line(user)}\n${ws.line(ca)}\r\n\t# a certificate line revokes its key:\n${ws.line(listed)}\n`;
  writeFileSync(ws.file('list'), text);
  const list = load(ws.file('list'));
  t.is(revocationOf(list, subjectOf(user)), `key ${fp(user)} is revoked (${ws.file('list')})`);
  t.is(revocationOf(list, subjectOf(ws.cert('ca2', 'user', 5))), `key ${fp(user)} is revoked (${ws.file('list')})`);
  t.is(
    revocationOf(list, subjectOf(ws.cert('ca', 'fresh', 1))),
    `CA ${fp(ca)} of the certificate is revoked (${ws.file('list')})`,
  );
  t.is(revocationOf(list, subjectOf(other)), `key ${fp(other)} is revoked (${ws.file('list')})`);
  t.is(revocationOf(list, subjectOf(ws.cert('ca2', 'other', 10))), `key ${fp(other)} is revoked (${ws.file('list')})`);
  t.is(revocationOf(list, subjectOf(ca2)), null);
  t.is(revocationOf(list, subjectOf(fresh)), null);
  t.is(revocationOf(list, subjectOf(ws.cert('ca2', 'fresh', 3))), null);
});

test('an empty text list revokes nothing; so does NOTHING_REVOKED', (t) => {
  const empty = parseRevokedKeys(Buffer.from('# nothing yet\n\n'), 'empty');
  const subject = { key: Buffer.from('0000000b7373682d656432353531390000002000', 'hex') };
  t.true('revoked' in empty && revocationOf(empty.revoked, subject) === null);
  t.is(revocationOf(NOTHING_REVOKED, subject), null);
  t.is(revocationOf(NOTHING_REVOKED, { ...subject, certificate: { ca: subject.key, serial: 1n, keyId: 'x' } }), null);
});

const textError = test.macro({
  exec(t, text: string, expected: RegExp) {
    const result = parseRevokedKeys(Buffer.from(text), '/etc/keyhole/revoked');
    t.true('error' in result && expected.test(result.error), JSON.stringify(result));
    if ('error' in result) t.false(result.error.includes('\n'));
  },
  title: (title) => `a text list with ${title} is refused, naming the line`,
});
const ED = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKDx1gD7Nh0P8oT9k6l8yOZt3XqhqK4Ff8U1Ygw0Bxs2';
test('options', textError, `no-pty ${ED}`, /^\/etc\/keyhole\/revoked:1: options are not allowed/);
test('a second bad line', textError, `${ED}\n\nnot a key\nneither`, /revoked:3: .*\(and 1 more bad line\)$/);
test(
  'a type that does not match the data',
  textError,
  ED.replace('ssh-ed25519', 'ssh-rsa'),
  /revoked:1: the line says/,
);
test('bad base64', textError, 'ssh-ed25519 AAAA!!!!', /revoked:1: the key data after 'ssh-ed25519' is not base64/);
test('a cut key', textError, 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKDx', /revoked:1: the key data: /);

// A minimal KRL writer for damaged files: header fields, then raw sections.
const u32 = (n: number) => Buffer.from([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
const u64 = (n: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(n);
  return b;
};
const str = (b: Buffer | string) => Buffer.concat([u32(Buffer.byteLength(b)), Buffer.from(b)]);
const section = (type: number, body: Buffer) => Buffer.concat([Buffer.from([type]), str(body)]);
const header = (version = 1) =>
  Buffer.concat([Buffer.from('SSHKRL\n\0', 'latin1'), u32(version), u64(1n), u64(0n), u64(0n), str(''), str('')]);
const krlOf = (...sections: Buffer[]) => Buffer.concat([header(), ...sections]);
const anyCa = (...subs: Buffer[]) => section(1, Buffer.concat([str(''), str(''), ...subs]));

const krlError = test.macro({
  exec(t, data: Buffer, expected: RegExp) {
    const result = parseRevokedKeys(data, 'the.krl');
    t.true('error' in result && expected.test(result.error), JSON.stringify(result));
    if ('error' in result)
      t.regex(result.error, /^the\.krl: not a valid KRL: [^\n]*; write it again with ssh-keygen -k$/);
  },
  title: (title) => `refuses a KRL with ${title}`,
});
test('format version 2', krlError, Buffer.concat([header(2)]), /format version 2 is not 1/);
test('a cut header', krlError, header().subarray(0, 30), /the KRL header: .* is cut short/);
test('an unknown section type', krlError, krlOf(section(6, Buffer.alloc(0))), /section 1 has unknown type 6/);
test('an unknown subsection', krlError, krlOf(anyCa(section(0x24, Buffer.alloc(0)))), /unknown type 0x24/);
test('a section longer than the file', krlError, krlOf(section(2, str('x'))).subarray(0, -1), /claims 5 bytes/);
test('trailing garbage', krlError, Buffer.concat([krlOf(section(2, str('x'))), Buffer.from([2])]), /section 2/);
test(
  'left-over bytes in a section',
  krlError,
  krlOf(section(2, Buffer.concat([str('x'), Buffer.from([0])]))),
  /cut short|trailing/,
);
test('a 19-byte SHA1', krlError, krlOf(section(3, str(Buffer.alloc(19)))), /has 19 bytes, not 20/);
test('a 20-byte SHA256', krlError, krlOf(section(5, str(Buffer.alloc(20)))), /has 20 bytes, not 32/);
test('serial 0', krlError, krlOf(anyCa(section(0x20, u64(0n)))), /serial 0 cannot be revoked/);
test('a backwards range', krlError, krlOf(anyCa(section(0x21, Buffer.concat([u64(9n), u64(3n)])))), /runs backwards/);
test('a range with one end', krlError, krlOf(anyCa(section(0x21, u64(9n)))), /serial_max is cut short/);
test(
  'a bitmap past 2^64',
  krlError,
  krlOf(anyCa(section(0x22, Buffer.concat([u64(2n ** 64n - 1n), str(Buffer.from([3]))])))),
  /past serial/,
);
test(
  'a negative bitmap',
  krlError,
  krlOf(anyCa(section(0x22, Buffer.concat([u64(1n), str(Buffer.from([0x80]))])))),
  /negative/,
);
test('a NUL inside a key id', krlError, krlOf(anyCa(section(0x23, str('a\0b')))), /contains a NUL/);
test(
  'a CA key that is no key',
  krlError,
  krlOf(section(1, Buffer.concat([str('junk'), str('')]))),
  /the CA key is not a key/,
);
test(
  'a critical extension',
  krlError,
  krlOf(section(255, Buffer.concat([str('x@y'), Buffer.from([1]), str('')]))),
  /critical extension 'x@y'/,
);
test('a cut signature', krlError, krlOf(section(4, str('key'))), /the signature/);

test('non-critical extensions and signature sections are skipped (sshd neither checks nor needs signatures)', (t) => {
  const data = krlOf(
    section(255, Buffer.concat([str('bloom@example.com'), Buffer.from([0]), str('...')])),
    anyCa(section(0x39, Buffer.concat([str('x'), Buffer.from([0]), str('')])), section(0x20, u64(5n))),
    section(4, str('signature key')),
    str('signature'),
  );
  const parsed = parseRevokedKeys(data, 'k');
  t.true('revoked' in parsed, JSON.stringify(parsed));
  if (!('revoked' in parsed)) return;
  const subject = (serial: bigint) => ({
    key: Buffer.from('k'),
    certificate: { ca: Buffer.from('c'), serial, keyId: '' },
  });
  t.not(revocationOf(parsed.revoked, subject(5n)), null);
  t.is(revocationOf(parsed.revoked, subject(6n)), null);
});

test('a bitmap revokes exactly its set bits, counted from the offset', (t) => {
  // 0b1010_0000_0101 at offset 100: serials 100, 102, 109, 111.
  const parsed = parseRevokedKeys(
    krlOf(anyCa(section(0x22, Buffer.concat([u64(100n), str(Buffer.from([0x0a, 0x05]))])))),
    'k',
  );
  if (!('revoked' in parsed)) return t.fail(parsed.error);
  t.deepEqual(serialsRevoked(parsed.revoked, Buffer.from('c'), 95n, 120n), [100n, 102n, 109n, 111n]);
});

// The serials in from..to (exclusive) that `list` revokes for certificates of this CA (any key, key id 'i').
function serialsRevoked(list: RevokedKeys, ca: Buffer, from: bigint, to: bigint): bigint[] {
  const revoked = [];
  for (let serial = from; serial < to; serial++) {
    const subject = { key: Buffer.from('k'), certificate: { ca, serial, keyId: 'i' } };
    if (revocationOf(list, subject) !== null) revoked.push(serial);
  }
  return revoked;
}

test('overlapping and touching serial subsections (as repeated ssh-keygen -u leave them) all count', (t) => {
  const range = (lo: bigint, hi: bigint) => section(0x21, Buffer.concat([u64(lo), u64(hi)]));
  const list = (...serials: bigint[]) => section(0x20, Buffer.concat(serials.map(u64)));
  const parsed = parseRevokedKeys(
    krlOf(anyCa(range(10n, 20n), list(15n, 30n, 21n), range(25n, 26n)), anyCa(range(12n, 13n), list(40n))),
    'k',
  );
  if (!('revoked' in parsed)) return t.fail(parsed.error);
  const expected = [10n, 11n, 12n, 13n, 14n, 15n, 16n, 17n, 18n, 19n, 20n, 21n, 25n, 26n, 30n, 40n];
  t.deepEqual(serialsRevoked(parsed.revoked, Buffer.from('c'), 0n, 50n), expected);
});

test('random serial specs: the KRL ssh-keygen encodes revokes exactly the serials of the spec', (t) => {
  const ws = Workspace.open(t);
  const ca = ws.key('ca');
  const caBlob = keyBlob(ws.line(ca));
  ws.key('user');
  const item = fc.oneof(
    fc.integer({ min: 1, max: 400 }).map((n) => [n, n] as const),
    fc.tuple(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 0, max: 40 })).map(([n, w]) => [n, n + w] as const),
  );
  let run = 0;
  fc.assert(
    fc.property(fc.array(item, { minLength: 1, maxLength: 25 }), fc.integer({ min: 1, max: 450 }), (items, probe) => {
      const spec = items.map(([lo, hi]) => (lo === hi ? `serial: ${lo}\n` : `serial: ${lo}-${hi}\n`)).join('');
      const krl = ws.krl(`krl${run++}`, ['-s', ca], spec);
      const list = load(krl);
      const expected = [];
      for (let serial = 1; serial <= 450; serial++)
        if (items.some(([lo, hi]) => lo <= serial && serial <= hi)) expected.push(BigInt(serial));
      t.deepEqual(serialsRevoked(list, caBlob, 0n, 451n), expected, spec);
      // And one real certificate per run, against ssh-keygen -Q.
      const cert = ws.cert('ca', 'user', probe);
      t.is(revocationOf(list, subjectOf(cert)) !== null, sshKeygenRevokes(krl, cert), `serial ${probe}: ${spec}`);
    }),
    { numRuns: 25 },
  );
});

// The parser returns, never throws, and returns exactly one of revoked/error.
function total(data: Buffer): boolean {
  const result = parseRevokedKeys(data, 'fuzz');
  return 'revoked' in result !== 'error' in result;
}

test('fuzz: random bytes, with and without the KRL magic, never make the parser throw', (t) => {
  const magic = Buffer.from('SSHKRL\n\0\0\0\0\x01', 'latin1');
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => total(Buffer.from(bytes))),
    { numRuns: 3000 },
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => total(Buffer.concat([magic, Buffer.from(bytes)]))),
    { numRuns: 3000 },
  );
  t.pass();
});

test('fuzz: mutations of a real KRL (flipped bytes, cuts, insertions) never make the parser throw', (t) => {
  const ws = Workspace.open(t);
  ws.key('ca');
  const user = ws.key('user');
  const spec = `serial: 5\nserial: 9000000000\nserial: 100-2000\nserial: 3000\nserial: 3002\nid: x\nkey: ${ws.line(user)}\nsha1: ${ws.line(user)}\nsha256: ${ws.line(user)}\n`;
  const krl = readFileSync(ws.krl('krl', ['-s', ws.file('ca.pub')], spec));
  t.true('revoked' in parseRevokedKeys(krl, 'real'));
  const mutation = fc.oneof(
    fc.tuple(fc.constant('flip'), fc.nat(krl.length - 1), fc.nat(255)),
    fc.tuple(fc.constant('cut'), fc.nat(krl.length - 1), fc.nat(255)),
    fc.tuple(fc.constant('insert'), fc.nat(krl.length), fc.nat(255)),
  );
  fc.assert(
    fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
      let data = Buffer.from(krl);
      for (const [kind, at, value] of mutations) {
        const i = Math.min(at, data.length);
        if (kind === 'flip' && i < data.length) data[i] = value;
        if (kind === 'cut') data = data.subarray(0, i);
        if (kind === 'insert') data = Buffer.concat([data.subarray(0, i), Buffer.from([value]), data.subarray(i)]);
      }
      return total(data);
    }),
    { numRuns: 5000 },
  );
});
