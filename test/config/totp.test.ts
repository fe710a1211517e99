// `totp.secrets` and `authenticationMethods`: the secrets file's mode, users who owe a code, roles and alternatives.
import test from 'ava';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { base32Encode } from '../../src/auth/totp.ts';
import { loadConfigText, type LoadResult } from '../../src/config/load.ts';
import { HASH } from './helpers.ts';

const SECRET = base32Encode(Buffer.alloc(20, 7));

// Loads `users` and `roles` lines (and more top-level YAML) with a secrets file of `secrets` text and `mode` beside
// the config; the folder is removed when the test ends.
function loadWith(
  t: { teardown(fn: () => void): void },
  opts: { users: string; roles?: string; secrets?: string | null; mode?: number; totp?: boolean },
): LoadResult & { file: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyhole-totp-config-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'totp-secrets');
  if (opts.secrets !== null) {
    writeFileSync(file, opts.secrets ?? `alice ${SECRET}\n`);
    chmodSync(file, opts.mode ?? 0o600);
  }
  const yaml = `${opts.totp === false ? '' : 'totp: { secrets: totp-secrets }\n'}users:\n${opts.users}\nroles:\n${
    opts.roles ?? '  op: { commands: [echo] }'
  }\ncommands:\n  echo: { program: /bin/echo, args: any }\n`;
  return { ...loadConfigText(yaml, path.join(dir, 'k.yaml'), dir), file };
}

const errorsOf = (r: LoadResult) => (r.ok ? [] : r.errors);

test('a user who owes a code: the chain is kept and the secret loaded', (t) => {
  const r = loadWith(t, {
    users: `  alice: { password: "${HASH}", role: op, authenticationMethods: [password, keyboard-interactive] }`,
  });
  t.true(r.ok, errorsOf(r).join('\n'));
  if (!r.ok) return;
  t.deepEqual(r.config.users.get('alice')?.authenticationMethods, [['password', 'keyboard-interactive']]);
  t.deepEqual(r.config.totp?.secrets.get('alice'), Buffer.alloc(20, 7));
  t.is(r.config.totp?.file, r.file);
});

test('a secrets file that group or others may read is refused with the chmod that fixes it', (t) => {
  for (const mode of [0o644, 0o640, 0o604]) {
    const r = loadWith(t, { users: `  alice: { password: "${HASH}", role: op }`, mode });
    t.deepEqual(errorsOf(r).length, 1);
    t.regex(
      errorsOf(r)[0]!,
      new RegExp(
        `totp.secrets: '.*' may be read by group or others \\(mode 0${mode.toString(8)}\\): chmod 600 ${r.file}$`,
      ),
    );
  }
  t.true(loadWith(t, { users: `  alice: { password: "${HASH}", role: op }`, mode: 0o400 }).ok);
});

test('a user who must answer keyboard-interactive without a secret is told to enroll', (t) => {
  const r = loadWith(t, {
    users: `  bob: { password: "${HASH}", role: op, authenticationMethods: [password, keyboard-interactive] }`,
    secrets: null,
  });
  t.false(r.ok);
  t.regex(
    errorsOf(r).join('\n'),
    /users\.bob\.authenticationMethods: 'bob' must answer keyboard-interactive but has no secret in .*totp-secrets: run keyhole totp-enroll bob --config .*k\.yaml/,
  );
});

test('keyboard-interactive without a totp section is a problem that says what to add', (t) => {
  const r = loadWith(t, {
    users: `  alice: { password: "${HASH}", role: op, authenticationMethods: [password, keyboard-interactive] }`,
    totp: false,
  });
  t.regex(
    errorsOf(r).join('\n'),
    /the config has no totp: \{ secrets: FILE \}: add it, then run keyhole totp-enroll alice/,
  );
});

test("a role's methods apply to its users; a user's own win", (t) => {
  const r = loadWith(t, {
    users: [
      `  alice: { password: "${HASH}", role: people }`,
      `  bot: { password: "${HASH}", role: people, authenticationMethods: [password] }`,
    ].join('\n'),
    roles: '  people: { commands: [echo], authenticationMethods: [password, keyboard-interactive] }',
  });
  t.true(r.ok, errorsOf(r).join('\n'));
  if (!r.ok) return;
  t.deepEqual(r.config.users.get('alice')?.authenticationMethods, [['password', 'keyboard-interactive']]);
  t.deepEqual(r.config.users.get('bot')?.authenticationMethods, [['password']]);
});

test('alternatives: a list of chains; one the user cannot walk is dropped', (t) => {
  const r = loadWith(t, {
    users: [
      `  alice: { password: "${HASH}", role: op, authenticationMethods: [[publickey, keyboard-interactive], [password, keyboard-interactive]] }`,
      `  carol: { password: "${HASH}", role: op, authenticationMethods: [[publickey], [password, keyboard-interactive]] }`,
    ].join('\n'),
  });
  t.true(r.ok, errorsOf(r).join('\n'));
  if (!r.ok) return;
  t.is(r.config.users.get('alice')?.authenticationMethods?.length, 2);
  t.deepEqual(r.config.users.get('carol')?.authenticationMethods, [['publickey']]); // carol has no secret
});

test('chains that start with the code, or name a method twice, are refused', (t) => {
  const r = loadWith(t, {
    users: [
      `  alice: { password: "${HASH}", role: op, authenticationMethods: [keyboard-interactive, password] }`,
      `  bob: { password: "${HASH}", role: op, authenticationMethods: [[password], [password, password]] }`,
    ].join('\n'),
  });
  const errors = errorsOf(r).join('\n');
  t.regex(errors, /users\.alice\.authenticationMethods: starts with keyboard-interactive/);
  t.regex(errors, /users\.bob\.authenticationMethods\.1: lists password twice/);
});

test('an unknown method is refused with the names that exist', (t) => {
  const r = loadWith(t, {
    users: `  alice: { password: "${HASH}", role: op, authenticationMethods: [publickey, totp] }`,
  });
  t.regex(
    errorsOf(r).join('\n'),
    /authenticationMethods: must be a list of methods \(publickey, password, keyboard-interactive\)/,
  );
});

test('a missing secrets file is no problem while nobody owes a code; unused secrets are warned about', (t) => {
  t.true(loadWith(t, { users: `  alice: { password: "${HASH}", role: op }`, secrets: null }).ok);
  const r = loadWith(t, {
    users: `  alice: { password: "${HASH}", role: op }`,
    secrets: `alice ${SECRET}\nghost ${SECRET}\n`,
  });
  t.true(r.ok);
  if (!r.ok) return;
  t.true(
    r.config.warnings.some((w) => /'alice' has a TOTP secret .* but no authenticationMethods that ask for it/.test(w)),
  );
  t.true(r.config.warnings.some((w) => /a secret for 'ghost', who is not a user/.test(w)));
  t.false(r.config.warnings.join('\n').includes(SECRET));
});

test('errors in the secrets file are problems that never show a secret', (t) => {
  const r = loadWith(t, {
    users: `  alice: { password: "${HASH}", role: op }`,
    secrets: `alice ${SECRET.slice(0, 10)}\n`,
  });
  t.regex(errorsOf(r).join('\n'), /totp-secrets:1: the secret of 'alice' has 48 bits/);
  t.false(errorsOf(r).join('\n').includes(SECRET.slice(0, 10)));
});
