// `trustedUserCAKeys`: the CAs whose user certificates log in (sshd's TrustedUserCAKeys), a file or a list of key
// lines, read now so that a typo fails the load. A CA line carries no options: what a CA may vouch for is said by
// the certificate and by the users' `principals`, and per-user CA restrictions belong in authorized_keys
// (`cert-authority,principals="...",from="..."`).
import type { AuthorizedKey } from '../auth/authorized-keys.ts';
import { readKeys } from './resolve-users.ts';
import type { ConfigProblem } from './types.ts';

/** Resolves the trusted CA keys; `baseDir` anchors a relative file name. */
export function resolveTrustedCAs(
  value: string | string[] | undefined,
  baseDir: string,
  problems: ConfigProblem[],
): AuthorizedKey[] {
  const at = ['trustedUserCAKeys'];
  const keys = readKeys(value, baseDir, at, problems);
  for (const key of keys.filter((k) => k.options.length > 0)) {
    const where = typeof value === 'string' ? `${key.source}:${key.line}` : `key line ${key.line}`;
    const message = `${where}: a CA key takes no options here; restrict a CA per user with cert-authority lines in authorized_keys`;
    problems.push({ path: at, message });
  }
  return keys.filter((key) => key.options.length === 0);
}
