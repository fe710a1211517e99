import test from 'ava';
import { scryptSync } from 'node:crypto';
import {
  burnPasswordCheck,
  describeHashProblem,
  hashPassword,
  isPasswordHash,
  verifyPassword,
} from '../../src/auth/password.ts';

const PLAIN = 'must be a hash from `keyhole hash-password`, not a plain password';

// A hash with chosen parameters, made independently of the module under test.
function scryptHash(password: string, ln: number, r: number, p: number): string {
  const salt = Buffer.alloc(16, 7);
  const key = scryptSync(password, salt, 32, { N: 2 ** ln, r, p });
  const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');
  return `$scrypt$ln=${ln},r=${r},p=${p}$${b64(salt)}$${b64(key)}`;
}

test('a hash names its parameters, salt and key', async (t) => {
  const hash = await hashPassword('correct horse');
  t.regex(hash, /^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
  t.true(isPasswordHash(hash));
  t.is(describeHashProblem(hash), null);
});

test('the right password verifies against its hash', async (t) => {
  t.true(await verifyPassword('correct horse', await hashPassword('correct horse')));
});

test('a wrong password does not verify', async (t) => {
  const hash = await hashPassword('correct horse');
  t.false(await verifyPassword('correct horse ', hash));
  t.false(await verifyPassword('', hash));
});

test('hashing the same password twice uses different salts', async (t) => {
  t.not(await hashPassword('same'), await hashPassword('same'));
});

test('the empty password and non-ASCII passwords round-trip', async (t) => {
  t.true(await verifyPassword('', await hashPassword('')));
  t.true(await verifyPassword('pässwörd 🔑', await hashPassword('pässwörd 🔑')));
});

test('composed and decomposed forms of the same text are the same password', async (t) => {
  t.true(await verifyPassword('cafe\u0301', await hashPassword('caf\u00e9')));
});

test('parameters are read from the hash, not assumed', async (t) => {
  const hash = scryptHash('other params', 10, 4, 2);
  t.true(isPasswordHash(hash));
  t.true(await verifyPassword('other params', hash));
  t.false(await verifyPassword('other param', hash));
});

const neverThrows = test.macro({
  async exec(t, encoded: unknown) {
    t.false(await verifyPassword('password', encoded as string));
    t.false(isPasswordHash(encoded as string));
    t.not(describeHashProblem(encoded as string), null);
  },
  title: (_title, encoded: unknown) => `a malformed hash is refused without throwing: ${JSON.stringify(encoded)}`,
});

const good = scryptHash('password', 4, 8, 1);
test(neverThrows, '');
test(neverThrows, '$scrypt$');
test(neverThrows, '$scrypt$ln=15,r=8,p=1$');
test(neverThrows, '$scrypt$ln=15,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA');
test(neverThrows, '$scrypt$ln=15,r=8$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
test(neverThrows, '$scrypt$ln=x,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
test(neverThrows, '$scrypt$ln=15,r=8,p=1$!!!!$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
test(neverThrows, '$scrypt$ln=15,r=8,p=1$AA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
test(neverThrows, '$scrypt$ln=15,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAA');
test(neverThrows, `${good}\n`);
test(neverThrows, ` ${good}`);
test(neverThrows, good.replace('$scrypt$', '$argon2id$'));
test(neverThrows, null);
test(neverThrows, 42);

const absurd = test.macro({
  async exec(t, params: string, problem: RegExp) {
    const encoded = `$scrypt$${params}$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;
    t.false(isPasswordHash(encoded));
    t.regex(describeHashProblem(encoded) ?? '', problem);
    t.false(await verifyPassword('password', encoded));
  },
  title: (_title, params: string) => `absurd parameters are refused before any work: ${params}`,
});

test(absurd, 'ln=21,r=8,p=1', /unsafe parameters \(ln=21 is outside 1\.\.20\)/);
test(absurd, 'ln=99,r=8,p=1', /ln=99/);
test(absurd, 'ln=0,r=8,p=1', /ln=0/);
test(absurd, 'ln=15,r=0,p=1', /r=0/);
test(absurd, 'ln=15,r=999,p=1', /r=999/);
test(absurd, 'ln=15,r=8,p=99', /p=99/);
test(absurd, 'ln=20,r=8,p=1', /more than 256 MiB/);
test(absurd, 'ln=18,r=8,p=16', /more work than allowed/);

test('a plain password in the config is named as such', (t) => {
  t.is(describeHashProblem('hunter2'), PLAIN);
  t.is(describeHashProblem(''), PLAIN);
  t.false(isPasswordHash('hunter2'));
});

test('a broken $scrypt$ hash says to make a new one', (t) => {
  t.regex(
    describeHashProblem('$scrypt$oops') ?? '',
    /^is not in the form .*; make a new one with `keyhole hash-password`$/,
  );
});

test('the check for unknown users always fails', async (t) => {
  t.false(await burnPasswordCheck('anything'));
  t.false(await burnPasswordCheck(''));
});
