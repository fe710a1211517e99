// The TOTP secrets file: one `user BASE32SECRET` per line, `#` comments and blank lines ignored. Parsed and updated as
// text here (no I/O); config/resolve-totp.ts reads the file, `keyhole totp-enroll` writes it. Messages name the line,
// never its secret.
import { base32Decode } from './totp.ts';

/** RFC 4226 section 4: a shared secret of at least 128 bits (Keyhole makes 160, as the RFC recommends). */
export const MIN_SECRET_BYTES = 16;

const USER = /^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}$/; // the config's user names (config/schema.ts)

export interface ParsedSecrets {
  readonly secrets: Map<string, Buffer>;
  readonly errors: string[];
}

/** Parses the file's text; `source` names it in errors (`FILE:LINE: ...`). */
export function parseTotpSecrets(text: string, source: string): ParsedSecrets {
  const secrets = new Map<string, Buffer>();
  const errors: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const at = `${source}:${i + 1}`;
    const fields = line.split(/\s+/);
    const [user, encoded] = fields;
    if (fields.length !== 2 || !user || !encoded || !USER.test(user)) {
      return void errors.push(`${at}: expected 'USER BASE32SECRET' (keyhole totp-enroll USER writes such a line)`);
    }
    const secret = base32Decode(encoded);
    if (secret === null) return void errors.push(`${at}: the secret of '${user}' is not base32 (A-Z, 2-7)`);
    if (secret.length < MIN_SECRET_BYTES) {
      return void errors.push(
        `${at}: the secret of '${user}' has ${secret.length * 8} bits, at least ${MIN_SECRET_BYTES * 8} are needed: run keyhole totp-enroll ${user}`,
      );
    }
    if (secrets.has(user)) return void errors.push(`${at}: '${user}' has a secret on an earlier line already`);
    secrets.set(user, secret);
  });
  return { secrets, errors };
}

/** The file's text with `user`'s line set to `encoded` (replaced where it was, else appended); comments are kept. */
export function withSecretLine(text: string, user: string, encoded: string): string {
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const entry = `${user} ${encoded}`;
  const index = lines.findIndex((l) => l.trim().split(/\s+/)[0] === user && !l.trim().startsWith('#'));
  if (index >= 0) lines[index] = entry;
  else lines.push(entry);
  return `${lines.join('\n')}\n`;
}
