// `keyhole totp-enroll USER --config FILE`: a new 160-bit TOTP secret for USER, stored in the config's totp.secrets
// file (created with mode 0600, replaced atomically), and printed as base32, an otpauth:// URI and a QR code.
// The config is read only as far as its shape (users, totp): a user who must answer keyboard-interactive but has no
// secret yet makes the full load fail, and enrolling is how that is fixed.
// QR code: uqr (unjs, maintained, typed, no dependencies) rather than qrcode-terminal, last released in 2018.
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderUnicodeCompact } from 'uqr';
import { parse } from 'yaml';
import { base32Encode, otpauthUri } from '../auth/totp.ts';
import { withSecretLine } from '../auth/totp-secrets.ts';
import { loadConfigFile } from '../config/load.ts';
import { rawConfigSchema, type RawConfig } from '../config/schema.ts';
import { fail } from './exit.ts';

/** RFC 4226 recommends 160 bits, the size of an HMAC-SHA1 key. */
const SECRET_BYTES = 20;

export interface EnrollOptions {
  /** The host in the label (`user@host`) the app shows; default: this machine's name. */
  readonly host?: string;
}

/** Enrolls `user`: writes the secret into the secrets file and prints it for an authenticator app. */
export function totpEnrollCommand(configFile: string, user: string, opts: EnrollOptions = {}): void {
  const raw = readShape(configFile);
  if (!raw.users[user]) fail(`no user '${user}' in ${configFile}: add it under users: first`);
  if (!raw.totp)
    fail(`${configFile} names no secrets file: add  totp: { secrets: totp-secrets }  to it, then run this again`);
  const file = path.resolve(path.dirname(path.resolve(configFile)), raw.totp.secrets);
  const secret = randomBytes(SECRET_BYTES);
  const encoded = base32Encode(secret);
  writeAtomically(file, withSecretLine(readOrEmpty(file), user, encoded));
  const uri = otpauthUri({ issuer: 'Keyhole', account: `${user}@${opts.host ?? os.hostname()}`, secret });
  process.stdout.write(
    [
      `user:   ${user}`,
      `secret: ${encoded}`,
      `uri:    ${uri}`,
      '',
      qrCode(uri, process.stdout.isTTY === true),
      `Scan the code with an authenticator app (or type the secret in), then log in with a code from it.`,
      `Written to ${file} (mode 0600); a running server reads it on reload (SIGHUP) or restart.`,
      '',
    ].join('\n'),
  );
}

// The config's users and totp section, from a file that may not load in full yet (see the header).
function readShape(configFile: string): RawConfig {
  let text: string;
  try {
    text = readFileSync(configFile, 'utf8');
  } catch (err) {
    fail(`${configFile}: cannot read the config: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
  let parsed;
  try {
    parsed = rawConfigSchema.safeParse(parse(text) ?? {});
  } catch {
    parsed = null;
  }
  if (parsed?.success) return parsed.data;
  const loaded = loadConfigFile(configFile); // for its messages, which name the line
  fail(loaded.ok ? `${configFile}: not a Keyhole config` : loaded.errors.join('\n'));
}

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    fail(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
}

// A temp file beside the target (mode 0600 from its creation, so no moment exists where others may read it), then a
// rename: a server reloading meanwhile reads the old file or the new one, never half of one.
function writeAtomically(file: string, text: string): void {
  const temp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}`,
  );
  try {
    writeFileSync(temp, text, { mode: 0o600, flag: 'wx' });
    renameSync(temp, file);
  } catch (err) {
    rmSync(temp, { force: true });
    fail(`cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
}

// Half-block characters, two modules a line, so it fits a terminal. On a terminal, dark on light is forced with
// colours: the plain characters draw light modules in the foreground colour, which inverts the code on a light theme.
function qrCode(uri: string, tty: boolean): string {
  const lines = renderUnicodeCompact(uri, { ecc: 'M', border: 2 }).split('\n');
  return `${lines.map((l) => (tty ? `\x1b[97;40m${l}\x1b[0m` : l)).join('\n')}\n`;
}
