// Writes the config that the end-to-end tests share (users with passwords and ssh-keygen keys, roles, commands) under a
// temp dir, plus what a test adds by name: commands, users, limits, top-level keys.
import type { ExecutionContext } from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hashPassword } from '../../src/auth/password.ts';

export const PASSWORD = 'alice-secret';
export const ADMIN_PASSWORD = 'admin-secret';

/** A config written for a test, and where it put things. */
export interface TestConfig {
  readonly dir: string;
  readonly srv: string;
  /** The config's text, as written to `configFile`. */
  readonly yaml: string;
  readonly configFile: string;
  /** Private key files made with ssh-keygen. */
  readonly keys: { readonly deploy: string; readonly boss: string; readonly stranger: string };
}

/**
 * What a test adds to the shared config (users alice, deploy and boss; roles operator and admin; commands echo, date,
 * ls, cat, sleep, false, slow, flood and sh-env). In every string, `$DIR` stands for the test's temp dir and `$SRV`
 * for the served directory in it.
 */
export interface ServerOptions {
  /** More commands, name -> YAML flow mapping: `{ id: '{ program: /usr/bin/id, flags: [-u] }' }`. */
  readonly commands?: Readonly<Record<string, string>>;
  /** More commands the operator role may run, shared ones or those in `commands` (defining is not granting). */
  readonly operatorCommands?: readonly string[];
  /** More users, name -> YAML flow mapping: `{ carol: '{ authorizedKeys: ["ssh-ed25519 AAAA..."], role: admin }' }`. */
  readonly users?: Readonly<Record<string, string>>;
  /** More `limits` entries in YAML flow style: `maxRunsPerSession: 2, maxOutputBytes: 16MiB` (later keys win). */
  readonly limits?: string;
  /** More top-level keys, as YAML lines: `runAs: root` or `audit: { file: $DIR/audit.log }`. */
  readonly yaml?: string;
  /** The `penalties` value in YAML flow style, replacing the shared `{ exempt: [127.0.0.1] }`: `'{ exempt: [] }'`. */
  readonly penalties?: string;
}

/** Anything with ava's `t.teardown`: a test's `t` of any context. */
export type Teardown = Pick<ExecutionContext, 'teardown'>;

/** Writes a config for a test that starts the `keyhole` program itself; its temp dir is removed when the test ends. */
export async function withTestConfig(t: Teardown, options: ServerOptions = {}): Promise<TestConfig> {
  const config = await writeConfigWith(options);
  t.teardown(() => rmSync(config.dir, { recursive: true, force: true }));
  return config;
}

// What the options add to the shared config, as YAML text with `$DIR` and `$SRV` filled in. `tail` follows the
// commands section: the commands join it, then the top-level keys.
function additionsOf(options: ServerOptions, dir: string, srv: string) {
  const fill = (text: string) => text.replaceAll('$DIR', dir).replaceAll('$SRV', srv);
  const lines = (entries: Readonly<Record<string, string>> = {}) =>
    Object.entries(entries).map(([name, value]) => fill(`${name}: ${value}`));
  const commands = lines(options.commands).map((line) => `  ${line}\n`);
  const yaml = options.yaml?.trim() ? `${fill(options.yaml.trimEnd())}\n` : '';
  return {
    users: lines(options.users),
    tail: commands.join('') + yaml,
    limits: fill(options.limits ?? ''),
    operatorCommands: options.operatorCommands ?? [],
  };
}

let hashes: Promise<[string, string]> | null = null;

/**
 * Writes the shared config in the documented shape plus `options` under a new temp dir, with keys made by ssh-keygen;
 * nothing removes it (see `withTestConfig`).
 */
export async function writeConfigWith(options: ServerOptions = {}): Promise<TestConfig> {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyhole-test-'));
  const srv = path.join(dir, 'srv');
  mkdirSync(path.join(srv, 'sub'), { recursive: true });
  writeFileSync(path.join(srv, 'hello.txt'), 'srv-file\n');
  const keys = { deploy: keygen(dir, 'deploy'), boss: keygen(dir, 'boss'), stranger: keygen(dir, 'stranger') };
  hashes ??= Promise.all([hashPassword(PASSWORD), hashPassword(ADMIN_PASSWORD)]);
  const [userHash, adminHash] = await hashes;
  const { users, tail, limits: moreLimits, operatorCommands } = additionsOf(options, dir, srv);
  const yaml = `
listen: { host: 127.0.0.1, port: 0 }
hostKeys: [${dir}/ssh_host_ed25519_key]
adminPassword: "${adminHash}"
cwd: ${srv}
penalties: ${options.penalties ?? '{ exempt: [127.0.0.1] }'}
limits: { ${limits(moreLimits)} }
users:
  alice: { password: "${userHash}", role: operator }
  deploy: { authorizedKeys: ${keys.deploy}.pub, role: operator }
  boss: { password: "${userHash}", authorizedKeys: [ "${readFileSync(`${keys.boss}.pub`, 'utf8').trim()}" ], role: admin }
${users.map((line) => `  ${line}`).join('\n')}
roles:
  operator: { commands: [echo, date, ls, cat, sleep, 'false', slow, flood, sh-env${operatorCommands.map((c) => `, ${c}`).join('')}], elevate: true }
  admin: { inherits: [operator], admin: true }
commands:
  echo: { program: /bin/echo, args: any }
  date: { program: /bin/date, args: none }
  ls: { program: /bin/ls, flags: [-l, -a, -la], paths: [${srv}] }
  cat: { program: /bin/cat, paths: [${srv}] }
  sleep: { program: /bin/sleep, patterns: ['[0-9]+'], maxArgs: 1 }
  false: { program: /bin/false, args: none }
  slow: { program: /bin/sleep, fixedArgs: ['30'], args: none, timeout: 300ms }
  flood: { program: /usr/bin/yes, args: none }
  sh-env: { program: /usr/bin/env, args: none }
${tail}`;
  const configFile = path.join(dir, 'keyhole.yaml');
  writeFileSync(configFile, yaml);
  return { dir, srv, yaml, configFile, keys };
}

// The shared limits, with the caller's entries replacing those of the same name (YAML forbids duplicate keys).
function limits(extra = ''): string {
  const entries = new Map(
    [
      'commandTimeout: 20s',
      'maxOutputBytes: 1MiB',
      'shutdownGrace: 5s',
      'maxStartups: 200',
      'maxStartupsPerSource: 10000', // tests that raise maxStartups are not capped per source (all from 127.0.0.1)
      'loginGraceTime: 120s',
      ...extra.split(','),
    ]
      .map((e) => e.trim())
      .filter((e) => e !== '')
      .map((e) => [e.slice(0, e.indexOf(':')).trim(), e] as const),
  );
  return [...entries.values()].join(', ');
}

/** Makes an ed25519 key pair in `dir` with ssh-keygen; returns the private key's file (the public one adds `.pub`). */
export function keygen(dir: string, name: string): string {
  const file = path.join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', file]);
  return file;
}
