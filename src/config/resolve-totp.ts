// `totp: { secrets: FILE }`: the file of TOTP secrets, refused when group or others may read it (the secrets open
// accounts as passwords do), parsed with auth/totp-secrets.ts. A file not yet there holds no secrets: the users who
// need one are then told to run `keyhole totp-enroll` (config/resolve-auth-methods.ts).
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseTotpSecrets } from '../auth/totp-secrets.ts';
import type { RawConfig } from './schema.ts';
import type { ConfigProblem, TotpSecrets } from './types.ts';

const AT = ['totp', 'secrets'];

/** Reads the secrets file the config names; undefined when it names none (or the file cannot be used: a problem). */
export function resolveTotp(
  raw: RawConfig['totp'],
  baseDir: string,
  problems: ConfigProblem[],
): TotpSecrets | undefined {
  if (raw === undefined) return undefined;
  const file = path.resolve(baseDir, raw.secrets);
  let stat;
  try {
    stat = statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { file, secrets: new Map() };
    return void problems.push({ path: AT, message: `cannot read '${file}': ${code ?? err}` });
  }
  if (!stat.isFile()) return void problems.push({ path: AT, message: `'${file}' is not a file` });
  if ((stat.mode & 0o077) !== 0) {
    const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
    return void problems.push({
      path: AT,
      message: `'${file}' may be read by group or others (mode ${mode}): chmod 600 ${file}`,
    });
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return void problems.push({ path: AT, message: `cannot read '${file}': ${(err as NodeJS.ErrnoException).code}` });
  }
  const parsed = parseTotpSecrets(text, file);
  for (const error of parsed.errors) problems.push({ path: AT, message: error });
  return { file, secrets: parsed.secrets };
}
