// `revokedKeys:` (sshd's RevokedKeys): a KRL or key list next to the config is read at load; a file that is missing or
// does not parse is a config problem (so check-config and a SIGHUP reload, which both load, refuse it).
import test, { type ExecutionContext } from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfigFile, type LoadResult } from '../../src/config/load.ts';
import { NOTHING_REVOKED, revocationOf } from '../../src/auth/revocation.ts';
import { keyBlob } from '../helpers/cert-fields.ts';
import { base } from './helpers.ts';

// A temp dir (removed after the test) with key `user`, and a config k.yaml there whose first line is `first`.
function setup(t: ExecutionContext, first: string): { dir: string; load: () => LoadResult; key: Buffer } {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyhole-revoked-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'user', '-f', path.join(dir, 'user')]);
  writeFileSync(path.join(dir, 'k.yaml'), `${first}\n${base()}`);
  const key = keyBlob(readFileSync(path.join(dir, 'user.pub'), 'utf8'));
  return { dir, key, load: () => loadConfigFile(path.join(dir, 'k.yaml')) };
}

test('a KRL named relative to the config is loaded and revokes its keys', (t) => {
  const { dir, load, key } = setup(t, 'revokedKeys: revoked.krl');
  execFileSync('ssh-keygen', ['-k', '-f', path.join(dir, 'revoked.krl'), path.join(dir, 'user.pub')], {
    stdio: 'pipe',
  });
  const result = load();
  if (!result.ok) return t.fail(result.errors.join('\n'));
  t.regex(revocationOf(result.config.revokedKeys, { key }) ?? '', /^key SHA256:\S+ is revoked \(.*revoked\.krl\)$/);
  t.is(revocationOf(result.config.revokedKeys, { key: Buffer.concat([key, Buffer.from('x')]) }), null);
});

test('a text list of keys works as well, and an empty one revokes nothing', (t) => {
  const { dir, load, key } = setup(t, 'revokedKeys: revoked.txt');
  writeFileSync(path.join(dir, 'revoked.txt'), `# revoked keys\n${readFileSync(path.join(dir, 'user.pub'), 'utf8')}`);
  let result = load();
  t.true(result.ok && revocationOf(result.config.revokedKeys, { key }) !== null);
  writeFileSync(path.join(dir, 'revoked.txt'), '');
  result = load();
  t.true(result.ok && revocationOf(result.config.revokedKeys, { key }) === null);
});

test('without revokedKeys nothing is revoked', (t) => {
  const { load } = setup(t, '# no revocation list');
  const result = load();
  t.true(result.ok && result.config.revokedKeys === NOTHING_REVOKED);
});

test('a missing file is refused with its path', (t) => {
  const { dir, load } = setup(t, 'revokedKeys: missing.krl');
  const result = load();
  t.false(result.ok);
  if (!result.ok)
    t.deepEqual(result.errors, [
      `${path.join(dir, 'k.yaml')}:1: revokedKeys: cannot read '${path.join(dir, 'missing.krl')}': ENOENT; create it (an empty file revokes nothing)`,
    ]);
});

test('a damaged KRL is refused, saying what is wrong', (t) => {
  const { dir, load } = setup(t, 'revokedKeys: revoked.krl');
  const krl = path.join(dir, 'revoked.krl');
  execFileSync('ssh-keygen', ['-k', '-f', krl, path.join(dir, 'user.pub')], { stdio: 'pipe' });
  writeFileSync(krl, Buffer.concat([readFileSync(krl), Buffer.from([9, 0, 0])]));
  const result = load();
  t.false(result.ok);
  if (!result.ok)
    t.regex(result.errors.join('\n'), /:1: revokedKeys: .*revoked\.krl: not a valid KRL: .*unknown type 9/);
});

test('a garbage file is refused, naming its line', (t) => {
  const { dir, load } = setup(t, 'revokedKeys: revoked');
  writeFileSync(path.join(dir, 'revoked'), '\n\x00\x01garbage\xff\n');
  const result = load();
  t.false(result.ok);
  if (!result.ok) t.regex(result.errors.join('\n'), /:1: revokedKeys: .*revoked:2: not a key line/);
});

test('revokedKeys must be a file name', (t) => {
  const { load } = setup(t, 'revokedKeys: [a, b]');
  const result = load();
  t.false(result.ok);
  if (!result.ok) t.regex(result.errors.join('\n'), /:1: revokedKeys: /);
});
