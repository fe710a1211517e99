import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  certificateAuthorities,
  findKey,
  findKeys,
  forbidsPty,
  keyOptionRefusal,
  parseAuthorizedKeys,
  unsupportedOptions,
  type AuthorizedKey,
} from '../../src/auth/authorized-keys.ts';
import fc from 'fast-check';
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

test('forbidsPty follows ptyAllowed', (t) => {
  t.true(forbidsPty({ ptyAllowed: false }));
  t.false(forbidsPty({ ptyAllowed: true }));
});

test('lists the options that are refused at load by name', (t) => {
  t.deepEqual(
    unsupportedOptions({
      options: ['no-pty', 'from="10.0.0.1,10.0.0.2"', 'environment="A=1"', 'command="ls -l"', 'tunnel="0"', 'pty', 'x'],
    }),
    ['environment=', 'tunnel=', 'x'],
  );
  t.deepEqual(
    unsupportedOptions({ options: ['restrict', 'no-user-rc', 'no-agent-forwarding', 'expiry-time="1"'] }),
    [],
  );
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
test(
  'a restriction it cannot honour, even with quoted commas',
  refused,
  (k) => `from="10.0.0.1,10.0.0.2",environment="A=b,c" ${k.ed25519.line}`,
  "option 'environment=' is not supported: commands get the fixed environment from the config, a key cannot set variables; remove it or the key",
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

// --- options Keyhole enforces (issue 12) ---

// The one key of a line `OPTIONS KEY`, failing the test if the line did not load.
function loadWith(t: import('ava').ExecutionContext, options: string, key: RealKey = real.ed25519): AuthorizedKey {
  const { keys, errors } = parseAuthorizedKeys(`${options} ${key.line}`, 'f');
  t.deepEqual(errors, [], options);
  return keys[0]!;
}

// The load error of a line `OPTIONS KEY`, without the `f:1: ` prefix.
function loadError(options: string): string {
  const { keys, errors } = parseAuthorizedKeys(`${options} ${real.ed25519.line}`, 'f');
  if (keys.length !== 0 || errors.length !== 1) return `loaded: ${JSON.stringify(errors)}`;
  return errors[0]!.replace(/^f:1: /, '');
}

const NOW = new Date('2026-06-01T12:00:00Z');

test('a key without options has the defaults', (t) => {
  t.deepEqual(loadWith(t, '').options, []);
  t.like(loadWith(t, ''), {
    from: null,
    expiresAt: null,
    command: null,
    certAuthority: false,
    principals: null,
    ptyAllowed: true,
  });
});

test('from= keeps the list and lets in only the addresses it matches', (t) => {
  const key = loadWith(t, 'from="127.0.0.1,10.0.0.0/8,!10.9.0.0/16"');
  t.is(key.from, '127.0.0.1,10.0.0.0/8,!10.9.0.0/16');
  t.is(keyOptionRefusal(key, { ip: '127.0.0.1', now: NOW }), null);
  t.is(keyOptionRefusal(key, { ip: '10.1.2.3', now: NOW }), null);
  t.is(keyOptionRefusal(key, { ip: '::ffff:127.0.0.1', now: NOW }), null);
  t.is(
    keyOptionRefusal(key, { ip: '127.0.0.2', now: NOW }),
    'address 127.0.0.2 not allowed by from="127.0.0.1,10.0.0.0/8,!10.9.0.0/16"',
  );
  t.is(
    keyOptionRefusal(key, { ip: '10.9.1.1', now: NOW }),
    'address 10.9.1.1 not allowed by from="127.0.0.1,10.0.0.0/8,!10.9.0.0/16" (a negated entry matches it)',
  );
});

test('from= matches the brief example exactly', (t) => {
  const key = loadWith(t, 'from="127.0.0.1"');
  t.is(keyOptionRefusal(key, { ip: '127.0.0.2', now: NOW }), 'address 127.0.0.2 not allowed by from="127.0.0.1"');
});

test('from= with a host name loads, never matches, and the refusal says why', (t) => {
  const key = loadWith(t, 'FROM="*.example.com"');
  t.is(
    keyOptionRefusal(key, { ip: '127.0.0.1', now: NOW }),
    'address 127.0.0.1 not allowed by from="*.example.com" (note: \'*.example.com\' can only be a host name, and Keyhole matches from= against the address only)',
  );
});

test('from= refuses a malformed list at load', (t) => {
  t.is(
    loadError('from="10.0.0.1/8"'),
    'from="10.0.0.1/8" is not a valid address list: \'10.0.0.1/8\' has bits set past its /8 prefix (write the network address)',
  );
  t.regex(
    loadError('from="10.0.0.0/33,host.example"'),
    /the prefix length \/33 .*note: 'host\.example' can only be a host name/,
  );
  t.regex(loadError('from=""'), /^from="" is not a valid address list: the list is empty$/);
  t.regex(loadError('from="1.2.3.4,"'), /empty entry in the list/);
  t.regex(loadError('from="127.1"'), /reads as 127\.0\.0\.1; write the address as a full dotted quad/);
});

const expiry = test.macro({
  exec(t, text: string, expected: Date) {
    t.is(loadWith(t, `expiry-time="${text}"`).expiresAt?.getTime(), expected.getTime());
  },
  title: (_title, text: string) => `expiry-time="${text}" is read as sshd reads it`,
});

test(expiry, '20260101', new Date(2026, 0, 1));
test(expiry, '202601011230', new Date(2026, 0, 1, 12, 30));
test(expiry, '20260101123045', new Date(2026, 0, 1, 12, 30, 45));
test(expiry, '20260101Z', new Date('2026-01-01T00:00:00Z'));
test(expiry, '202601011230z', new Date('2026-01-01T12:30:00Z'));
test(expiry, '20260101123045UTC', new Date('2026-01-01T12:30:45Z'));
test(expiry, '20280229Z', new Date('2028-02-29T00:00:00Z'));
test(expiry, '00500101Z', new Date('0050-01-01T00:00:00Z'));

test('expiry-time refuses the key at and after the instant, not before', (t) => {
  const key = loadWith(t, 'expiry-time="20260101Z"');
  const at = (iso: string) => keyOptionRefusal(key, { ip: '127.0.0.1', now: new Date(iso) });
  t.is(at('2025-12-31T23:59:59.999Z'), null);
  t.is(at('2026-01-01T00:00:00Z'), 'key expired at 2026-01-01T00:00:00Z (expiry-time)');
  t.is(at('2027-01-01T00:00:00Z'), 'key expired at 2026-01-01T00:00:00Z (expiry-time)');
});

test('expiry-time is checked before from=, as in sshd', (t) => {
  const key = loadWith(t, 'from="10.0.0.1",expiry-time="20200101Z"');
  t.is(keyOptionRefusal(key, { ip: '127.0.0.1', now: NOW }), 'key expired at 2020-01-01T00:00:00Z (expiry-time)');
});

for (const bad of [
  '2026010',
  '20261301',
  '20260230',
  '20250229Z',
  '20260100',
  '202601012400',
  '202601011260',
  '20260101123060',
  '20260101T',
  '2026-01-01',
  '',
  'Z',
  '20260101ZZ',
  '+2026010',
]) {
  test(`expiry-time="${bad}" is a load error`, (t) => {
    t.is(loadError(`expiry-time="${bad}"`), `expiry-time="${bad}" is not a valid time; use YYYYMMDD[HHMM[SS]][Z]`);
  });
}

test('command= is the forced command, with \\" undone and other backslashes kept', (t) => {
  t.is(loadWith(t, 'command="uptime"').command, 'uptime');
  t.is(loadWith(t, 'Command="echo \\"a, b\\" \\\\n c"').command, 'echo "a, b" \\\\n c');
  t.is(loadWith(t, 'no-pty,command="ls -l /var",restrict').command, 'ls -l /var');
});

test('command= must be quoted, given once and not empty', (t) => {
  t.is(loadError('command=ls'), 'option \'command=\' needs one value in double quotes: command="..."');
  t.is(loadError('command="ls"x'), 'option \'command=\' needs one value in double quotes: command="..."');
  t.is(loadError('command="a",command="b"'), "option 'command=' is given twice; keep one");
  t.is(loadError('command=""'), 'command="" is empty; give the command the key is limited to');
  t.is(loadError('command'), 'option \'command\' needs a value: command="..."');
});

test('from=, expiry-time= and principals= may be given only once', (t) => {
  t.is(loadError('from="127.0.0.1",from="10.0.0.1"'), "option 'from=' is given twice; keep one");
  t.is(loadError('expiry-time="20300101",Expiry-Time="20310101"'), "option 'Expiry-Time=' is given twice; keep one");
  t.is(loadError('cert-authority,principals="a",principals="b"'), "option 'principals=' is given twice; keep one");
});

test('pty follows the last of restrict, no-pty and pty', (t) => {
  const pty = (options: string) => loadWith(t, options).ptyAllowed;
  t.false(pty('no-pty'));
  t.false(pty('restrict'));
  t.false(pty('RESTRICT'));
  t.true(pty('restrict,pty'));
  t.false(pty('pty,restrict'));
  t.false(pty('restrict,pty,no-pty'));
  t.true(pty('no-port-forwarding'));
});

test('the forwarding and user-rc options load, in either sense, and change nothing Keyhole grants', (t) => {
  const key = loadWith(
    t,
    'port-forwarding,agent-forwarding,x11-forwarding,user-rc,no-port-forwarding,no-agent-forwarding,No-X11-Forwarding,no-user-rc',
  );
  t.like(key, { ptyAllowed: true, command: null, from: null, certAuthority: false });
});

test('cert-authority lines are CAs: findKey never returns them, certificateAuthorities does', (t) => {
  const { keys, errors } = parseAuthorizedKeys(
    `cert-authority,principals="deploy,ops" ${real.ed25519.line}\n${real.rsa.line}\nCert-Authority ${real.ecdsa256.line}`,
    'f',
  );
  t.deepEqual(errors, []);
  t.is(findKey(keys, 'ssh-ed25519', blobOf(real.ed25519)), undefined);
  t.is(findKey(keys, 'ecdsa-sha2-nistp256', blobOf(real.ecdsa256)), undefined);
  t.is(findKey(keys, 'rsa-sha2-256', blobOf(real.rsa))?.line, 2);
  const cas = certificateAuthorities(keys);
  t.deepEqual(
    cas.map((ca) => [ca.line, ca.certAuthority, ca.principals]),
    [
      [1, true, ['deploy', 'ops']],
      [3, true, null],
    ],
  );
});

test('principals= needs cert-authority (anywhere on the line) and names', (t) => {
  t.deepEqual(loadWith(t, 'principals="a",cert-authority').principals, ['a']);
  t.is(loadError('principals="a,b"'), "option 'principals=' is only allowed with cert-authority (as in sshd)");
  t.is(loadError('cert-authority,principals="a,,b"'), 'principals="a,,b" has an empty name (check the commas)');
  t.is(loadError('cert-authority,principals=""'), 'principals="" has an empty name (check the commas)');
});

const refusedOption = test.macro({
  exec(t, options: string, message: string) {
    t.is(loadError(options), message);
  },
  title: (_title, options: string) => `${options} is refused at load with the reason`,
});

const SK = 'it is for security keys (sk-*), which Keyhole does not support; remove it or the key';
test(refusedOption, 'no-touch-required', `option 'no-touch-required' is not supported: ${SK}`);
test(refusedOption, 'verify-required', `option 'verify-required' is not supported: ${SK}`);
test(refusedOption, 'Touch-Required', `option 'Touch-Required' is not supported: ${SK}`);
test(
  refusedOption,
  'environment="PATH=/tmp"',
  "option 'environment=' is not supported: commands get the fixed environment from the config, a key cannot set variables; remove it or the key",
);
test(
  refusedOption,
  'permitopen="localhost:80"',
  "option 'permitopen=' is not supported: Keyhole has no port forwarding, so there is nothing it could limit; remove it or the key",
);
test(
  refusedOption,
  'PermitListen="8080"',
  "option 'PermitListen=' is not supported: Keyhole has no remote forwarding, so there is nothing it could limit; remove it or the key",
);
test(
  refusedOption,
  'tunnel="1"',
  "option 'tunnel=' is not supported: Keyhole has no tun/tap forwarding; remove it or the key",
);
test(
  refusedOption,
  'no-pty,frobnicate',
  "unknown option 'frobnicate' (see AUTHORIZED_KEYS FILE FORMAT in man sshd); remove it or the key",
);
test(
  refusedOption,
  'constructor',
  "unknown option 'constructor' (see AUTHORIZED_KEYS FILE FORMAT in man sshd); remove it or the key",
);
test(refusedOption, 'no-pty="yes"', "option 'no-pty=' takes no value; write 'no-pty'");
test(refusedOption, 'from', 'option \'from\' needs a value: from="..."');

test('findKeys returns every login line of a key in file order', (t) => {
  const { keys } = parseAuthorizedKeys(
    `from="10.0.0.1" ${real.ed25519.line}\ncert-authority ${real.ed25519.line}\nfrom="127.0.0.1" ${real.ed25519.line}`,
    'f',
  );
  const found = findKeys(keys, 'ssh-ed25519', blobOf(real.ed25519));
  t.deepEqual(
    found.map((key) => key.line),
    [1, 3],
  );
  t.is(found.find((key) => keyOptionRefusal(key, { ip: '127.0.0.1', now: NOW }) === null)?.line, 3);
});

test('the option parser never throws, and every error is one line naming the file and line', (t) => {
  const unit = fc.constantFrom(
    ...['no-pty', 'pty', 'restrict', 'cert-authority', 'command=', 'from=', 'expiry-time=', 'principals='],
    ...['environment=', 'tunnel=', 'x', '"', '\\"', ',', '=', ' ', '\t', '10.0.0.0/8', '*', '!', '2026', 'Z', '\0'],
  );
  // A field starting with '#' makes a comment line and one with a line break two lines: neither is the question here.
  const options = fc
    .oneof(fc.string({ unit, maxLength: 12 }), fc.string({ maxLength: 40 }))
    .filter((field) => !field.trimStart().startsWith('#') && !/[\n\r]/.test(field));
  fc.assert(
    fc.property(options, fc.oneof(fc.ipV4(), fc.ipV6(), fc.string()), fc.date(), (field, ip, now) => {
      const { keys, errors } = parseAuthorizedKeys(`${field} ${real.ed25519.line}`, 'f');
      if (keys.length + errors.length !== 1) return false;
      if (errors.some((error) => !/^f:1: [^\n\r]+$/.test(error))) return false;
      for (const key of keys) {
        const refusal = keyOptionRefusal(key, { ip, now });
        if (refusal !== null && /[\n\r]/.test(refusal)) return false;
        if (key.principals !== null && !key.certAuthority) return false;
      }
      return true;
    }),
    { numRuns: Number(process.env.FC_NUM_RUNS ?? 300) },
  );
  t.pass();
});
