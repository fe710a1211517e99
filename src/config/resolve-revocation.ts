// `revokedKeys`: sshd's RevokedKeys, a KRL (`ssh-keygen -k`) or a list of public keys, read and parsed now. A file
// that cannot be read or parsed fails the load (and a SIGHUP reload keeps the old config): sshd in that case refuses
// every public key, and a server that silently forgot its revocations would let revoked keys back in.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { NOTHING_REVOKED, parseRevokedKeys, type RevokedKeys } from '../auth/revocation.ts';
import type { ConfigProblem } from './types.ts';

/** Reads the revocation file (relative to `baseDir`, the config's folder); NOTHING_REVOKED when none is named. */
export function resolveRevokedKeys(value: string | undefined, baseDir: string, problems: ConfigProblem[]): RevokedKeys {
  if (value === undefined) return NOTHING_REVOKED;
  const at = ['revokedKeys'];
  const source = path.resolve(baseDir, value);
  let data: Buffer;
  try {
    data = readFileSync(source);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    problems.push({ path: at, message: `cannot read '${source}': ${code}; create it (an empty file revokes nothing)` });
    return NOTHING_REVOKED;
  }
  const parsed = parseRevokedKeys(data, source);
  if ('error' in parsed) {
    problems.push({ path: at, message: parsed.error });
    return NOTHING_REVOKED;
  }
  return parsed.revoked;
}
