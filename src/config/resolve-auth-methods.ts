// `authenticationMethods` on users and roles (the user's wins; a role's is its own, not inherited): each chain
// checked, and each user given the chains it can complete. A chain that needs a password the user has not, or a code
// without a secret, can never succeed, so it is dropped; a user left with none is a problem that says what to add.
import { chainProblem, type AuthChain } from '../auth/methods.ts';
import type { RawConfig } from './schema.ts';
import type { ConfigProblem, TotpSecrets, UserSpec } from './types.ts';

type Problems = ConfigProblem[];
type RawMethods = NonNullable<RawConfig['users'][string]['authenticationMethods']>;

/** The users with their `authenticationMethods` set, and warnings (secrets no chain asks for, or for no user). */
export function withAuthMethods(
  users: ReadonlyMap<string, UserSpec>,
  raw: Pick<RawConfig, 'users' | 'roles'>,
  totp: TotpSecrets | undefined,
  source: string,
  problems: Problems,
): { users: Map<string, UserSpec>; warnings: string[] } {
  const warnings: string[] = [];
  const roleChains = new Map<string, AuthChain[]>();
  for (const [name, role] of Object.entries(raw.roles)) {
    if (role.authenticationMethods)
      roleChains.set(name, checked(role.authenticationMethods, ['roles', name, 'authenticationMethods'], problems));
  }
  const out = new Map<string, UserSpec>();
  for (const [name, user] of users) {
    const own = raw.users[name]?.authenticationMethods;
    const at = own ? ['users', name, 'authenticationMethods'] : ['roles', user.role, 'authenticationMethods'];
    const chains = own ? checked(own, at, problems) : roleChains.get(user.role);
    const secret = totp?.secrets.has(name) ?? false;
    if (!chains) {
      if (secret) warnings.push(unaskedSecret(name, totp!.file));
      out.set(name, user);
      continue;
    }
    const possible = chains.filter((c) => possibleFor(c, user, secret));
    if (possible.length === 0 && chains.length > 0)
      problems.push({ path: at, message: missing(name, chains, totp, source) });
    else if (secret && !possible.some((c) => c.includes('keyboard-interactive')))
      warnings.push(unaskedSecret(name, totp!.file));
    out.set(name, { ...user, authenticationMethods: possible });
  }
  for (const name of totp?.secrets.keys() ?? []) {
    if (!users.has(name)) warnings.push(`${totp!.file} has a secret for '${name}', who is not a user: remove the line`);
  }
  return { users: out, warnings };
}

// The raw value as chains (one list of names is one chain), each checked.
function checked(value: RawMethods, at: (string | number)[], problems: Problems): AuthChain[] {
  const chains: AuthChain[] = value.every((v) => typeof v === 'string') ? [value as AuthChain] : (value as AuthChain[]);
  chains.forEach((chain, i) => {
    const problem = chainProblem(chain);
    if (problem) problems.push({ path: chains.length > 1 ? [...at, i] : at, message: problem });
  });
  return chains;
}

// A chain the user can walk: a password for `password`, a secret for `keyboard-interactive`. `publickey` may come
// from authorized keys or a trusted CA's certificate, so it is never ruled out here.
function possibleFor(chain: AuthChain, user: UserSpec, secret: boolean): boolean {
  return chain.every((m) =>
    m === 'password' ? user.passwordHash !== undefined : m !== 'keyboard-interactive' || secret,
  );
}

// What the user lacks for every chain: a TOTP secret (and where it goes), or a password.
function missing(name: string, chains: AuthChain[], totp: TotpSecrets | undefined, source: string): string {
  const needsCode = chains.some((c) => c.includes('keyboard-interactive'));
  if (needsCode && !totp) {
    return `'${name}' must answer keyboard-interactive, but the config has no totp: { secrets: FILE }: add it, then run keyhole totp-enroll ${name} --config ${source}`;
  }
  if (needsCode && !totp!.secrets.has(name)) {
    return `'${name}' must answer keyboard-interactive but has no secret in ${totp!.file}: run keyhole totp-enroll ${name} --config ${source}`;
  }
  return `'${name}' must log in with a password but has none: give it one (keyhole hash-password) or change the methods`;
}

function unaskedSecret(name: string, file: string): string {
  return `'${name}' has a TOTP secret in ${file} but no authenticationMethods that ask for it (such as [publickey, keyboard-interactive]): the code is not asked`;
}
