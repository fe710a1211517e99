// The `users:` section: each user's role must exist, passwords must be scrypt hashes, authorized_keys are read now.
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { describeHashProblem } from '../auth/password.ts';
import { parseAuthorizedKeys, type AuthorizedKey } from '../auth/authorized-keys.ts';
import type { RawConfig } from './schema.ts';
import type { ConfigProblem, RoleSpec, UserSpec } from './types.ts';
import { didYouMean } from './suggest.ts';

type Problems = ConfigProblem[];
type At = (string | number)[];

/** Resolves `users` against the resolved roles; `baseDir` anchors relative authorized_keys paths. */
export function resolveUsers(
  raw: RawConfig['users'],
  roles: ReadonlyMap<string, RoleSpec>,
  baseDir: string,
  problems: Problems,
  /** Certificates from trustedUserCAKeys can log in: a user needs no password or key of its own. */
  certificatesTrusted = false,
): Map<string, UserSpec> {
  const users = new Map<string, UserSpec>();
  for (const [name, spec] of Object.entries(raw)) {
    const at = ['users', name];
    if (!roles.has(spec.role))
      problems.push({
        path: [...at, 'role'],
        message: `role '${spec.role}' is not defined under roles${didYouMean(spec.role, roles.keys())}`,
      });
    if (spec.password !== undefined) checkHash(spec.password, [...at, 'password'], problems);
    const authorizedKeys = readKeys(spec.authorizedKeys, baseDir, [...at, 'authorizedKeys'], problems);
    if (spec.password === undefined && spec.authorizedKeys === undefined && !certificatesTrusted) {
      problems.push({
        path: at,
        message: 'has neither password nor authorizedKeys (nor trustedUserCAKeys): give one, or the user cannot log in',
      });
    }
    const principals = spec.principals ?? null;
    users.set(name, { name, role: spec.role, passwordHash: spec.password, authorizedKeys, principals });
  }
  return users;
}

/** A password hash that `keyhole hash-password` did not make (a plain password, most often) is a problem at `at`. */
export function checkHash(hash: string, at: At, problems: Problems): void {
  const problem = describeHashProblem(hash);
  if (problem !== null) problems.push({ path: at, message: problem });
}

/** A file (authorized_keys format) or a list of key lines, every line parsed now so that a typo fails the load. */
export function readKeys(
  value: string | string[] | undefined,
  baseDir: string,
  at: At,
  problems: Problems,
): AuthorizedKey[] {
  if (value === undefined) return [];
  let text: string;
  let source: string;
  if (typeof value === 'string') {
    source = path.resolve(baseDir, value);
    try {
      text = readFileSync(source, 'utf8');
    } catch (err) {
      problems.push({ path: at, message: `cannot read '${source}': ${(err as NodeJS.ErrnoException).code ?? err}` });
      return [];
    }
  } else {
    text = value.join('\n');
    source = at.join('.');
  }
  const parsed = parseAuthorizedKeys(text, source);
  // A list's errors read `users.x.authorizedKeys: users.x.authorizedKeys:2: ...` otherwise: name the list entry.
  const inList = (error: string) => (typeof value === 'string' ? error : error.replace(`${source}:`, 'key line '));
  for (const error of parsed.errors) problems.push({ path: at, message: inList(error) });
  if (parsed.keys.length === 0 && parsed.errors.length === 0)
    problems.push({ path: at, message: `no keys in ${source}` });
  return parsed.keys;
}
