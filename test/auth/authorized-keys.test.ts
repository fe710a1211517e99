import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findKey, forbidsPty, parseAuthorizedKeys, unsupportedOptions } from '../../src/auth/authorized-keys.ts';
import { fingerprintSha256 } from '../../src/ssh/fingerprint.ts';

const run = promisify(execFile);

interface RealKey {
  /** The .pub line as ssh-keygen wrote it: `TYPE BASE64 COMMENT`. */
  line: string;
  type: string;
  base64: string;
  /** The `SHA256:...` field of `ssh-keygen -lf`. */
  fingerprint: string;
}

const KINDS = {
  ed25519: ['-t', 'ed25519'],
  ecdsa256: ['-t', 'ecdsa', '-b', '256'],
  ecdsa384: ['-t', 'ecdsa', '-b', '384'],
  ecdsa521: ['-t', 'ecdsa', '-b', '521'],
  rsa: ['-t', 'rsa', '-b', '2048'],
} as const;
type Kind = keyof typeof KINDS;

const real = {} as Record<Kind, RealKey>;
let dir = '';

// Make one real key pair with ssh-keygen and read back its public line and fingerprint.
async function makeKey(kind: Kind): Promise<RealKey> {
  const file = join(dir, kind);
  await run('ssh-keygen', [...KINDS[kind], '-N', '', '-q', '-C', `${kind} key of alice`, '-f', file]);
  const line = (await readFile(`${file}.pub`, 'utf8')).trim();
  const { stdout } = await run('ssh-keygen', ['-lf', `${file}.pub`]);
  const [type = '', base64 = ''] = line.split(' ');
  return { line, type, base64, fingerprint: stdout.split(' ')[1] ?? '' };
}

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keyhole-keys-'));
  for (const kind of Object.keys(KINDS) as Kind[]) real[kind] = await makeKey(kind);
});

test.after.always(async () => {
  await rm(dir, { recursive: true, force: true });
});

// The decoded blob of a real key.
function blobOf(key: RealKey): Buffer {
  return Buffer.from(key.base64, 'base64');
}

// An SSH wire string: uint32 length then bytes.
function sshString(data: Buffer | string): Buffer {
  const bytes = Buffer.from(data);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

// An ssh-rsa blob with e = 65537 and the given modulus.
function rsaBlob(modulus: Buffer): Buffer {
  return Buffer.concat([sshString('ssh-rsa'), sshString(Buffer.from([1, 0, 1])), sshString(modulus)]);
}

const parsesRealKey = test.macro({
  exec(t, kind: Kind, type: string) {
    const key = real[kind];
    const { keys, errors } = parseAuthorizedKeys(`${key.line}\n`, 'authorized_keys');
    t.deepEqual(errors, []);
    t.is(keys.length, 1);
    t.like(keys[0], { type, comment: `${kind} key of alice`, options: [], source: 'authorized_keys', line: 1 });
    t.is(keys[0]?.fingerprint, key.fingerprint);
    t.is(fingerprintSha256(blobOf(key)), key.fingerprint);
  },
  title: (_title, kind: Kind) => `parses a real ${kind} key with the fingerprint ssh-keygen -lf prints`,
});

test(parsesRealKey, 'ed25519', 'ssh-ed25519');
test(parsesRealKey, 'ecdsa256', 'ecdsa-sha2-nistp256');
test(parsesRealKey, 'ecdsa384', 'ecdsa-sha2-nistp384');
test(parsesRealKey, 'ecdsa521', 'ecdsa-sha2-nistp521');
test(parsesRealKey, 'rsa', 'ssh-rsa');

test('skips blank lines and comments and numbers lines from 1', (t) => {
  const text = ['# keys of the deploy bot', '', '   ', `  ${real.ed25519.line}`, '\t# old key:', real.rsa.line].join(
    '\n',
  );
  const { keys, errors } = parseAuthorizedKeys(text, 'keys/deploy.pub');
  t.deepEqual(errors, []);
  t.deepEqual(
    keys.map((key) => [key.type, key.line]),
    [
      ['ssh-ed25519', 4],
      ['ssh-rsa', 6],
    ],
  );
});

test('keeps a comment with spaces and tabs as written', (t) => {
  const { ed25519 } = real;
  const { keys } = parseAuthorizedKeys(`${ed25519.type} ${ed25519.base64} alice@laptop  (work)\tsince 2024`, 'f');
  t.is(keys[0]?.comment, 'alice@laptop  (work)\tsince 2024');
});

test('a key without a comment has an empty comment', (t) => {
  const { keys } = parseAuthorizedKeys(`${real.ed25519.type} ${real.ed25519.base64}`, 'f');
  t.is(keys[0]?.comment, '');
});

test('reads CRLF line endings', (t) => {
  const { keys, errors } = parseAuthorizedKeys(`# crlf\r\n${real.ecdsa256.line}\r\n${real.ed25519.line}\r\n`, 'f');
  t.deepEqual(errors, []);
  t.deepEqual(
    keys.map((key) => [key.line, key.comment]),
    [
      [2, 'ecdsa256 key of alice'],
      [3, 'ed25519 key of alice'],
    ],
  );
});

test('accepts the harmless options and keeps them as written', (t) => {
  const { keys, errors } = parseAuthorizedKeys(`no-pty,No-Port-Forwarding,no-X11-forwarding ${real.ed25519.line}`, 'f');
  t.deepEqual(errors, []);
  t.deepEqual(keys[0]?.options, ['no-pty', 'No-Port-Forwarding', 'no-X11-forwarding']);
  t.is(keys[0]?.comment, 'ed25519 key of alice');
});

test('no-pty and restrict forbid a pty; other options do not', (t) => {
  t.true(forbidsPty({ options: ['no-agent-forwarding', 'no-pty'] }));
  t.true(forbidsPty({ options: ['RESTRICT'] }));
  t.false(forbidsPty({ options: ['no-port-forwarding', 'no-user-rc'] }));
  t.false(forbidsPty({ options: [] }));
});

test('lists the options that are not enforced by name', (t) => {
  t.deepEqual(unsupportedOptions({ options: ['no-pty', 'from="10.0.0.1,10.0.0.2"', 'command="ls -l"', 'pty'] }), [
    'from=',
    'command=',
    'pty',
  ]);
  t.deepEqual(unsupportedOptions({ options: ['restrict', 'no-user-rc', 'no-agent-forwarding'] }), []);
});

const refused = test.macro({
  exec(t, line: (keys: typeof real) => string, message: string | RegExp) {
    const text = `${real.ed25519.line}\n\n${line(real)}\n${real.ecdsa256.line}`;
    const { keys, errors } = parseAuthorizedKeys(text, 'keys/deploy.pub');
    t.is(errors.length, 1);
    if (typeof message === 'string') t.is(errors[0], `keys/deploy.pub:3: ${message}`);
    else t.regex(errors[0] ?? '', message);
    t.deepEqual(
      keys.map((key) => key.line),
      [1, 4],
      'the lines around the bad one still load',
    );
  },
  title: (title) => `refuses ${title}`,
});

const INVALID = "not a valid key line (expected 'TYPE BASE64 [COMMENT]')";
const onlyFrom = "option 'from=' is not supported yet; remove it or the key";

test(
  'a restriction it does not enforce, even with quoted commas',
  refused,
  (k) => `from="10.0.0.1,10.0.0.2",no-pty ${k.ed25519.line}`,
  onlyFrom,
);
test(
  'a quoted value with spaces and commas, naming the right option',
  refused,
  (k) => `no-pty,command="echo a, b c",restrict ${k.rsa.line}`,
  "option 'command=' is not supported yet; remove it or the key",
);
test('a quoted value with an escaped quote', refused, (k) => `no-pty,from="a\\" b,c" ${k.ed25519.line}`, onlyFrom);
test(
  'an option that grants something back',
  refused,
  (k) => `restrict,pty ${k.ed25519.line}`,
  "option 'pty' is not supported yet; remove it or the key",
);
test(
  'an unterminated quote in the options',
  refused,
  (k) => `from="10.0.0.1 ${k.ed25519.line}`,
  'unterminated quote in the options',
);
test(
  'an empty option',
  refused,
  (k) => `no-pty,,no-user-rc ${k.ed25519.line}`,
  'empty option in the options field (check the commas)',
);
test('a garbage line', refused, () => 'hello world', INVALID);
test('a lone key type', refused, () => 'ssh-ed25519', INVALID);
test('options with no key after them', refused, () => 'no-pty', INVALID);
test('data that is not base64', refused, () => 'ssh-ed25519 AAAA!!!notbase64 me', INVALID);
test('base64 with bad padding', refused, (k) => `ssh-ed25519 ${k.ed25519.base64.slice(0, -1)} me`, INVALID);
test(
  'a key type that does not match the key data',
  refused,
  (k) => `ssh-rsa ${k.ed25519.base64} mislabelled`,
  "the line says 'ssh-rsa' but the key data is 'ssh-ed25519'",
);
test(
  'an ECDSA curve that does not match the key data',
  refused,
  (k) => `ecdsa-sha2-nistp384 ${k.ecdsa256.base64}`,
  "the line says 'ecdsa-sha2-nistp384' but the key data is 'ecdsa-sha2-nistp256'",
);
test(
  'truncated key data',
  refused,
  (k) => `ssh-ed25519 ${blobOf(k.ed25519).subarray(0, 40).toString('base64')}`,
  'the key data is not a valid ssh-ed25519 key',
);
test(
  'key data with trailing bytes',
  refused,
  (k) => `ssh-ed25519 ${Buffer.concat([blobOf(k.ed25519), sshString('')]).toString('base64')}`,
  'the key data is not a valid ssh-ed25519 key',
);
test(
  'an RSA key below 1024 bits',
  refused,
  () => `ssh-rsa ${rsaBlob(Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 0xff)])).toString('base64')}`,
  'the RSA key has 512 bits, fewer than 1024; make a new key',
);
test(
  'a DSA key',
  refused,
  () => `ssh-dss AAAAB3NzaC1kc3MAAACBAP1/U4EddRIpUt9KnC7s5Of2EbdSPO9EAMMeP4C2USZpRV1AIlH7WT2NWPq/xfW6MPbLm1Vs14E7 dsa`,
  /^keys\/deploy\.pub:3: key type 'ssh-dss' is not supported; use ssh-ed25519, /,
);
test(
  'an unknown key type after options',
  refused,
  () => `no-pty ssh-foo AAAAB3NzaC1kc3MAAACBAP1 x`,
  /key type 'ssh-foo' is not supported/,
);
test(
  'a security-key ed25519 key',
  refused,
  () => 'sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29t yubikey',
  "security-key type 'sk-ssh-ed25519@openssh.com' is not supported by the server; the key is skipped",
);
test(
  'a security-key ECDSA key',
  refused,
  () => 'no-pty sk-ecdsa-sha2-nistp256@openssh.com AAAAInNrLWVjZHNhLXNoYTItbmlzdHAyNTZAb3BlbnNzaC5jb20=',
  "security-key type 'sk-ecdsa-sha2-nistp256@openssh.com' is not supported by the server; the key is skipped",
);

test('findKey finds each real key by its blob', (t) => {
  const { keys } = parseAuthorizedKeys(
    Object.values(real)
      .map((key) => key.line)
      .join('\n'),
    'f',
  );
  for (const key of Object.values(real)) {
    t.is(findKey(keys, key.type, blobOf(key))?.fingerprint, key.fingerprint);
  }
});

test('findKey matches an RSA key under any of its signature algorithm names', (t) => {
  const { keys } = parseAuthorizedKeys(`${real.ed25519.line}\n${real.rsa.line}`, 'f');
  const blob = blobOf(real.rsa);
  for (const algo of ['ssh-rsa', 'rsa-sha2-256', 'rsa-sha2-512'])
    t.is(findKey(keys, algo, blob)?.type, 'ssh-rsa', algo);
});

test('findKey finds nothing for a key that is not listed', (t) => {
  const { keys } = parseAuthorizedKeys(`${real.ed25519.line}\n${real.ecdsa384.line}`, 'f');
  t.is(findKey(keys, 'ssh-rsa', blobOf(real.rsa)), undefined);
  t.is(findKey(keys, 'ssh-ed25519', Buffer.alloc(0)), undefined);
  t.is(findKey([], 'ssh-ed25519', blobOf(real.ed25519)), undefined);
});

test('findKey refuses a listed blob offered under another algorithm', (t) => {
  const { keys } = parseAuthorizedKeys(`${real.ed25519.line}\n${real.rsa.line}`, 'f');
  t.is(findKey(keys, 'ssh-rsa', blobOf(real.ed25519)), undefined);
  t.is(findKey(keys, 'ssh-ed25519', blobOf(real.rsa)), undefined);
});

test('findKey returns the first of duplicate lines', (t) => {
  const { keys } = parseAuthorizedKeys(`no-pty ${real.ed25519.line}\n${real.ed25519.line}`, 'f');
  t.is(findKey(keys, 'ssh-ed25519', blobOf(real.ed25519))?.line, 1);
});
