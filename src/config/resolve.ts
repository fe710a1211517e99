// Turns a schema-valid RawConfig into the resolved Config: durations and sizes parsed, paths made absolute, programs
// and path roots resolved with realpath, authorized_keys read, roles flattened. Returns every problem at once.
import { accessSync, constants, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { describeHashProblem } from '../auth/password.ts';
import { parseAuthorizedKeys } from '../auth/authorized-keys.ts';
import type { RawCommand, RawConfig } from './schema.ts';
import type { CommandSpec, Config, ConfigProblem, Limits, RoleSpec, UserSpec } from './types.ts';
import { DEFAULT_ACCEPT_ENV, DEFAULT_ENV, DEFAULT_HOST_KEY, DEFAULT_LIMITS, DEFAULT_LISTEN } from './defaults.ts';
import { parseDuration, parseSize } from './units.ts';
import { resolvePenalties } from './penalties.ts';
import { implicitRunAsWarning, resolveRunAs } from './run-as.ts';
import { isDangerousWithAnyArgs } from './dangerous.ts';
import { findControlChar } from '../line/tokenize.ts';

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
  const commands = resolveCommands(raw.commands, env.PATH ?? DEFAULT_ENV.PATH!, problems);
  const roles = resolveRoles(raw.roles, commands, problems);
  const users = resolveUsers(raw.users, roles, baseDir, problems);
  const limits = resolveLimits(raw.limits ?? {}, problems);
  const adminPasswordHash = raw.adminPassword;
  if (adminPasswordHash !== undefined) checkHash(adminPasswordHash, ['adminPassword'], problems);
  const penalties = resolvePenalties(raw.penalties, problems);
  const runAs = resolveRunAs(raw.runAs, problems);
  const cwd = raw.cwd ?? '/';
  if (!path.isAbsolute(cwd)) problems.push({ path: ['cwd'], message: `must be an absolute path, got '${cwd}'` });
  if (problems.length > 0) return { ok: false, problems };
  const config: Config = {
    source,
    listen: { host: raw.listen?.host ?? DEFAULT_LISTEN.host, port: raw.listen?.port ?? DEFAULT_LISTEN.port },
    hostKeys: (raw.hostKeys ?? [DEFAULT_HOST_KEY]).map((p) => path.resolve(baseDir, p)),
    adminPasswordHash,
    audit: { file: raw.audit?.file === undefined ? undefined : path.resolve(baseDir, raw.audit.file) },
    limits,
    users,
    roles,
    commands,
    env,
    acceptEnv: raw.acceptEnv ?? DEFAULT_ACCEPT_ENV,
    cwd,
    penalties,
    runAs,
    warnings: [implicitRunAsWarning(raw.runAs, runAs)].filter((w): w is string => w !== null),
    demoCredentials: false,
  };
  return { ok: true, config };
}

function checkHash(hash: string, at: (string | number)[], problems: Problems): void {
  const problem = describeHashProblem(hash);
  if (problem !== null) problems.push({ path: at, message: problem });
}

function resolveLimits(raw: NonNullable<RawConfig['limits']>, problems: Problems): Limits {
  const pick = (key: keyof typeof raw, parse: typeof parseDuration, fallback: number): number => {
    const value = raw[key];
    if (value === undefined) return fallback;
    const parsed = parse(value);
    if (parsed.ok) return parsed.value;
    problems.push({ path: ['limits', key], message: parsed.reason });
    return fallback;
  };
  const d = DEFAULT_LIMITS;
  return {
    commandTimeoutMs: pick('commandTimeout', parseDuration, d.commandTimeoutMs),
    maxOutputBytes: pick('maxOutputBytes', parseSize, d.maxOutputBytes),
    shutdownGraceMs: pick('shutdownGrace', parseDuration, d.shutdownGraceMs),
    maxAuthTries: raw.maxAuthTries ?? d.maxAuthTries,
    loginGraceTimeMs: pick('loginGraceTime', parseDuration, d.loginGraceTimeMs),
    maxStartups: raw.maxStartups ?? d.maxStartups,
    maxSessions: raw.maxSessions ?? d.maxSessions,
    maxSessionsPerUser: raw.maxSessionsPerUser ?? d.maxSessionsPerUser,
    idleTimeoutMs: pick('idleTimeout', parseDuration, d.idleTimeoutMs),
    maxLineBytes: pick('maxLineBytes', parseSize, d.maxLineBytes),
    maxRunsPerSession: raw.maxRunsPerSession ?? d.maxRunsPerSession,
    keepaliveIntervalMs: pick('keepaliveInterval', parseDuration, d.keepaliveIntervalMs),
    keepaliveCountMax: raw.keepaliveCountMax ?? d.keepaliveCountMax,
  };
}

function resolveCommands(raw: Record<string, RawCommand>, searchPath: string, problems: Problems) {
  const commands = new Map<string, CommandSpec>();
  for (const [name, spec] of Object.entries(raw)) {
    const at = ['commands', name];
    const program = resolveProgram(spec.program, searchPath, [...at, 'program'], problems);
    const roots = (spec.paths ?? []).map((root, i) => resolveRoot(root, [...at, 'paths', i], problems));
    const patterns = (spec.patterns ?? []).map((p, i) => compilePattern(p, [...at, 'patterns', i], problems));
    const hasRules =
      spec.flags !== undefined ||
      spec.valueFlags !== undefined ||
      spec.paths !== undefined ||
      spec.patterns !== undefined;
    const valueFlags = resolveValueFlags(spec, at, problems);
    if (spec.args !== undefined && hasRules) {
      problems.push({
        path: [...at, 'args'],
        message: `'args: ${spec.args}' cannot be combined with flags, paths or patterns`,
      });
    }
    if (spec.args === 'any' && program && isDangerousWithAnyArgs(program) && !spec.allowDangerousArgs) {
      problems.push({
        path: [...at, 'args'],
        message: `'${program}' can run other programs or write files when its arguments are not restricted: list the permitted flags and paths instead, or set allowDangerousArgs: true to accept that risk`,
      });
    }
    for (const [i, flag] of (spec.flags ?? []).entries()) {
      if (!/^-[^\s]/.test(flag) || flag === '--' || findControlChar(flag) >= 0) {
        problems.push({
          path: [...at, 'flags', i],
          message: `'${flag}' is not an option: options start with - (and -- is always allowed)`,
        });
      }
    }
    let timeoutMs: number | undefined;
    if (spec.timeout !== undefined) {
      const parsed = parseDuration(spec.timeout);
      if (parsed.ok) timeoutMs = parsed.value;
      else problems.push({ path: [...at, 'timeout'], message: parsed.reason });
    }
    commands.set(name, {
      name,
      program: program ?? spec.program,
      fixedArgs: spec.fixedArgs ?? [],
      args: spec.args ?? (hasRules ? 'rules' : 'none'),
      flags: spec.flags ?? [],
      valueFlags,
      paths: roots.filter((r): r is string => r !== null),
      patterns: patterns.filter((p): p is RegExp => p !== null),
      maxArgs: spec.maxArgs ?? 64,
      interactive: spec.interactive ?? false,
      timeoutMs,
    });
  }
  return commands;
}

// Options that take a value: each maps to 'path' or a pattern for the value. An option listed both as a plain flag
// and as a value flag would let `-o` pass unchecked, so that is an error.
function resolveValueFlags(spec: RawCommand, at: (string | number)[], problems: Problems) {
  const valueFlags = new Map<string, 'path' | RegExp>();
  for (const [flag, rule] of Object.entries(spec.valueFlags ?? {})) {
    const where = [...at, 'valueFlags', flag];
    if (!/^-[^\s=-]$|^--[^\s=]+$/.test(flag)) {
      problems.push({
        path: where,
        message: `'${flag}' is not an option name: write -x or --name (the value follows it)`,
      });
    } else if (spec.flags?.includes(flag)) {
      problems.push({
        path: where,
        message: `'${flag}' is listed under flags too: an option either takes a value or not`,
      });
    } else if (rule === 'path') {
      if (!spec.paths?.length)
        problems.push({ path: where, message: `'path' values need paths: [...] roots to check them against` });
      valueFlags.set(flag, 'path');
    } else {
      const pattern = compilePattern(rule, where, problems);
      if (pattern) valueFlags.set(flag, pattern);
    }
  }
  return valueFlags;
}

// Programs are resolved once, here, so that a later change of PATH or a planted binary cannot change what runs.
function resolveProgram(program: string, searchPath: string, at: (string | number)[], problems: Problems) {
  const candidates = program.includes('/') ? [program] : searchPath.split(':').map((dir) => path.join(dir, program));
  if (program.includes('/') && !path.isAbsolute(program)) {
    problems.push({ path: at, message: `must be an absolute path or a bare name found on PATH, got '${program}'` });
    return null;
  }
  for (const candidate of candidates) {
    try {
      const real = realpathSync(candidate);
      if (!statSync(real).isFile()) continue;
      accessSync(real, constants.X_OK);
      return real;
    } catch {
      // not this one: try the next PATH entry
    }
  }
  problems.push({
    path: at,
    message: `program '${program}' was not found or is not executable: install it or fix the path`,
  });
  return null;
}

function resolveRoot(root: string, at: (string | number)[], problems: Problems): string | null {
  if (!path.isAbsolute(root)) {
    problems.push({ path: at, message: `path roots must be absolute, got '${root}'` });
    return null;
  }
  try {
    return realpathSync(root);
  } catch {
    problems.push({ path: at, message: `path root '${root}' does not exist: create it or remove it from the list` });
    return null;
  }
}

function compilePattern(source: string, at: (string | number)[], problems: Problems): RegExp | null {
  try {
    return new RegExp(`^(?:${source})$`, 'u');
  } catch (err) {
    problems.push({ path: at, message: `not a valid regular expression: ${(err as Error).message}` });
    return null;
  }
}

function resolveRoles(raw: RawConfig['roles'], commands: ReadonlyMap<string, CommandSpec>, problems: Problems) {
  const roles = new Map<string, RoleSpec>();
  const visit = (name: string, trail: string[]): RoleSpec | null => {
    const done = roles.get(name);
    if (done) return done;
    const spec = raw[name];
    if (!spec) return null;
    if (trail.includes(name)) {
      problems.push({
        path: ['roles', name, 'inherits'],
        message: `inheritance cycle: ${[...trail, name].join(' -> ')}`,
      });
      return null;
    }
    const names = new Set<string>();
    let admin = spec.admin ?? false;
    (spec.inherits ?? []).forEach((parent, i) => {
      if (!raw[parent])
        problems.push({ path: ['roles', name, 'inherits', i], message: `role '${parent}' is not defined under roles` });
      const inherited = visit(parent, [...trail, name]);
      inherited?.commands.forEach((c) => names.add(c));
      admin ||= inherited?.admin ?? false;
    });
    (spec.commands ?? []).forEach((command, i) => {
      if (commands.has(command)) names.add(command);
      else
        problems.push({
          path: ['roles', name, 'commands', i],
          message: `command '${command}' is not defined under commands`,
        });
    });
    const role: RoleSpec = { name, commands: [...names].sort(), admin };
    roles.set(name, role);
    return role;
  };
  for (const name of Object.keys(raw)) visit(name, []);
  return roles;
}

function resolveUsers(
  raw: RawConfig['users'],
  roles: ReadonlyMap<string, RoleSpec>,
  baseDir: string,
  problems: Problems,
) {
  const users = new Map<string, UserSpec>();
  for (const [name, spec] of Object.entries(raw)) {
    const at = ['users', name];
    if (!roles.has(spec.role))
      problems.push({ path: [...at, 'role'], message: `role '${spec.role}' is not defined under roles` });
    if (spec.password !== undefined) checkHash(spec.password, [...at, 'password'], problems);
    const authorizedKeys = readKeys(spec.authorizedKeys, baseDir, [...at, 'authorizedKeys'], problems);
    if (spec.password === undefined && spec.authorizedKeys === undefined) {
      problems.push({
        path: at,
        message: 'has neither password nor authorizedKeys: give one, or the user cannot log in',
      });
    }
    users.set(name, { name, role: spec.role, passwordHash: spec.password, authorizedKeys });
  }
  return users;
}

// authorizedKeys is a file (OpenSSH format) or a list of key lines; every line is parsed now so a typo fails the load.
function readKeys(value: string | string[] | undefined, baseDir: string, at: (string | number)[], problems: Problems) {
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
  for (const error of parsed.errors) problems.push({ path: at, message: error });
  if (parsed.keys.length === 0 && parsed.errors.length === 0)
    problems.push({ path: at, message: `no keys in ${source}` });
  return parsed.keys;
}
