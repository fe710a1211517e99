// Turns a schema-valid RawConfig into the resolved Config, one section at a time (commands, roles, users, limits,
// penalties, runAs; each in its own file), and returns every problem at once.
import { statSync } from 'node:fs';
import path from 'node:path';
import type { RawConfig } from './schema.ts';
import type { Config, ConfigProblem } from './types.ts';
import { DEFAULT_ACCEPT_ENV, DEFAULT_ENV, DEFAULT_HOST_KEY, DEFAULT_LISTEN } from './defaults.ts';
import { resolveCommands } from './resolve-commands.ts';
import { resolveLimits } from './resolve-limits.ts';
import { resolveRoles } from './resolve-roles.ts';
import { resolveTrustedCAs } from './resolve-trust.ts';
import { resolveRevokedKeys } from './resolve-revocation.ts';
import { checkHash, resolveUsers } from './resolve-users.ts';
import { withAuthMethods } from './resolve-auth-methods.ts';
import { resolveTotp } from './resolve-totp.ts';
import { resolvePenalties } from './penalties.ts';
import { implicitRunAsWarning, resolveRunAs } from './run-as.ts';
import { confinementWarning, resolveConfinement } from './confinement.ts';

export type { ConfigProblem };

type Problems = ConfigProblem[];

/** Resolves a validated raw config; `baseDir` anchors relative paths (the config file's folder). */
export function resolveConfig(
  raw: RawConfig,
  baseDir: string,
  source: string,
): { ok: true; config: Config } | { ok: false; problems: Problems } {
  const problems: Problems = [];
  const env = { ...DEFAULT_ENV, ...raw.env };
  // Roles are checked against the commands and users against the roles: the order matters.
  const commands = resolveCommands(raw.commands, env.PATH ?? DEFAULT_ENV.PATH!, problems);
  const roles = resolveRoles(raw.roles, commands, problems);
  const trustedUserCAs = resolveTrustedCAs(raw.trustedUserCAKeys, baseDir, problems);
  const revokedKeys = resolveRevokedKeys(raw.revokedKeys, baseDir, problems);
  const users = resolveUsers(raw.users, roles, baseDir, problems, trustedUserCAs.length > 0);
  const totp = resolveTotp(raw.totp, baseDir, problems);
  const auth = withAuthMethods(users, raw, totp, source, problems); // authenticationMethods, TOTP secrets
  const limits = resolveLimits(raw.limits ?? {}, problems);
  const adminPasswordHash = raw.adminPassword;
  if (adminPasswordHash !== undefined) checkHash(adminPasswordHash, ['adminPassword'], problems);
  const penalties = resolvePenalties(raw.penalties, problems);
  const runAs = resolveRunAs(raw.runAs, problems);
  const confinement = resolveConfinement(raw.confinement, problems);
  const cwd = raw.cwd ?? '/';
  if (!path.isAbsolute(cwd)) problems.push({ path: ['cwd'], message: `must be an absolute path, got '${cwd}'` });
  else checkCwd(cwd, problems);
  if (problems.length > 0) return { ok: false, problems };
  const config: Config = {
    source,
    listen: { host: raw.listen?.host ?? DEFAULT_LISTEN.host, port: raw.listen?.port ?? DEFAULT_LISTEN.port },
    hostKeys: (raw.hostKeys ?? [DEFAULT_HOST_KEY]).map((p) => path.resolve(baseDir, p)),
    adminPasswordHash,
    audit: { file: raw.audit?.file === undefined ? undefined : path.resolve(baseDir, raw.audit.file) },
    limits,
    users: auth.users,
    totp,
    trustedUserCAs,
    revokedKeys,
    roles,
    commands,
    env,
    acceptEnv: raw.acceptEnv ?? DEFAULT_ACCEPT_ENV,
    cwd,
    penalties,
    runAs,
    confinement,
    warnings: [implicitRunAsWarning(raw.runAs, runAs), confinementWarning(confinement), ...auth.warnings].filter(
      (w): w is string => w !== null,
    ),
    demoCredentials: false,
  };
  return { ok: true, config };
}

// Every command starts in `cwd`: one that is missing would fail every command with 127 at run time, so say it now.
function checkCwd(cwd: string, problems: ConfigProblem[]): void {
  let stat;
  try {
    stat = statSync(cwd);
  } catch {
    return void problems.push({ path: ['cwd'], message: `'${cwd}' does not exist: create it or change cwd` });
  }
  if (!stat.isDirectory()) problems.push({ path: ['cwd'], message: `'${cwd}' is not a directory: change cwd` });
}
