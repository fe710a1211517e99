// `trustedUserCAKeys:` and users' `principals:`: CA keys read at load, options on them refused, a user with neither
// password nor key allowed only when certificates can log in.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { base, load, problem } from './helpers.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'keyhole-cas-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));
execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'ca', '-f', path.join(dir, 'ca')]);
const CA = readFileSync(path.join(dir, 'ca.pub'), 'utf8').trim();
const certOnly = (extra = '') => base().replace('users:\n', `users:\n  carol: { role: op${extra} }\n`);

test('a CA file or list loads, and a user with no password or key of its own may then exist', (t) => {
  const fromFile = load(`trustedUserCAKeys: ${dir}/ca.pub\n${certOnly()}`);
  t.true(fromFile.ok && fromFile.config.trustedUserCAs.length === 1, fromFile.ok ? '' : fromFile.errors.join('\n'));
  const fromList = load(`trustedUserCAKeys: ["${CA}"]\n${certOnly(', principals: [carol, oncall]')}`);
  if (!fromList.ok) return t.fail(fromList.errors.join('\n'));
  t.deepEqual(fromList.config.users.get('carol')?.principals, ['carol', 'oncall']);
  t.is(fromList.config.users.get('alice')?.principals, null);
});

test(
  'refuses a user without credentials when no CA is trusted',
  problem,
  certOnly(),
  /neither password nor authorizedKeys/,
);
test(
  'refuses a missing CA file',
  problem,
  `trustedUserCAKeys: ${dir}/nope.pub\n${base()}`,
  /cannot read .*nope\.pub.*ENOENT/,
);
test(
  'refuses options on a CA line',
  problem,
  `trustedUserCAKeys: ['cert-authority ${CA}']\n${base()}`,
  /takes no options/,
);
test(
  'refuses a CA line that is not a key',
  problem,
  `trustedUserCAKeys: ['ssh-ed25519 AAAAnotakey']\n${base()}`,
  /key line 1/,
);
test(
  'refuses an empty principals list',
  problem,
  `trustedUserCAKeys: ["${CA}"]\n${certOnly(', principals: []')}`,
  /principals/,
);
