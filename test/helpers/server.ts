// Starts a real Keyhole server on an ephemeral loopback port for a test, with users, keys and commands that the
// end-to-end tests share, and an in-memory audit to assert on.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MemoryAudit } from '../../src/audit/audit.ts';
import type { AuditRecord } from '../../src/audit/events.ts';
import { hashPassword } from '../../src/auth/password.ts';
import { loadConfigText } from '../../src/config/load.ts';
import { silentLogger } from '../../src/log.ts';
import { startServer, type KeyholeServer } from '../../src/server/server.ts';

export const PASSWORD = 'alice-secret';
export const ADMIN_PASSWORD = 'admin-secret';

export interface TestServer {
  readonly port: number;
  readonly dir: string;
  readonly srv: string;
  readonly audit: MemoryAudit;
  readonly server: KeyholeServer;
  readonly configFile: string;
  /** Private key files made with ssh-keygen. */
  readonly keys: { readonly deploy: string; readonly boss: string; readonly stranger: string };
  close(): Promise<void>;
  /** Resolves with the first audit record that matches, waiting for it to be written. */
  waitForAudit(match: (r: AuditRecord) => boolean): Promise<AuditRecord>;
}

let hashes: Promise<[string, string]> | null = null;

export interface TestConfig {
  readonly dir: string;
  readonly srv: string;
  readonly yaml: string;
  readonly configFile: string;
  readonly keys: TestServer['keys'];
}

/** Additions to the shared config for keys that `extra` YAML cannot add without repeating a key. */
export interface TestServerOptions {
  /** More `limits` entries in YAML flow style, e.g. `maxRunsPerSession: 2, maxOutputBytes: 16MiB` (later keys win). */
  readonly limits?: string;
  /** More commands for the operator role (define them in `extra`). */
  readonly operatorCommands?: readonly string[];
}

/** Writes a config in the documented shape under a temp dir, plus `extra` YAML, with keys made by ssh-keygen. */
export async function writeTestConfig(
  extra = '',
  extraUsers: readonly string[] = [],
  options: TestServerOptions = {},
): Promise<TestConfig> {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyhole-test-'));
  const srv = path.join(dir, 'srv');
  mkdirSync(path.join(srv, 'sub'), { recursive: true });
  writeFileSync(path.join(srv, 'hello.txt'), 'srv-file\n');
  const keys = { deploy: keygen(dir, 'deploy'), boss: keygen(dir, 'boss'), stranger: keygen(dir, 'stranger') };
  hashes ??= Promise.all([hashPassword(PASSWORD), hashPassword(ADMIN_PASSWORD)]);
  const [userHash, adminHash] = await hashes;
  const yaml = `
listen: { host: 127.0.0.1, port: 0 }
hostKeys: [${dir}/ssh_host_ed25519_key]
adminPassword: "${adminHash}"
cwd: ${srv}
penalties: { exempt: [127.0.0.1] }
limits: { ${limits(options.limits)} }
users:
  alice: { password: "${userHash}", role: operator }
  deploy: { authorizedKeys: ${keys.deploy}.pub, role: operator }
  boss: { password: "${userHash}", authorizedKeys: [ "${readFileSync(`${keys.boss}.pub`, 'utf8').trim()}" ], role: admin }
${extraUsers.map((line) => `  ${line}`).join('\n')}
roles:
  operator: { commands: [echo, date, ls, cat, sleep, 'false', slow, flood, sh-env${(options.operatorCommands ?? []).map((c) => `, ${c}`).join('')}] }
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
${extra}`;
  const configFile = path.join(dir, 'keyhole.yaml');
  writeFileSync(configFile, yaml);
  return { dir, srv, yaml, configFile, keys };
}

/** Writes the test config and starts the server in this process, with an in-memory audit. */
export async function startTestServer(
  extra = '',
  extraUsers: readonly string[] = [],
  options: TestServerOptions = {},
): Promise<TestServer> {
  const { dir, srv, yaml, configFile, keys } = await writeTestConfig(extra, extraUsers, options);
  const loaded = loadConfigText(yaml, configFile, dir);
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  const audit = new MemoryAudit();
  const server = await startServer(loaded.config, { audit, log: silentLogger });
  return {
    port: server.port,
    dir,
    srv,
    audit,
    server,
    configFile,
    keys,
    waitForAudit: (match) => waitForAudit(audit, match),
    async close() {
      await server.shutdown('test over');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// The shared limits, with the caller's entries replacing those of the same name (YAML forbids duplicate keys).
function limits(extra = ''): string {
  const entries = new Map(
    [
      'commandTimeout: 20s',
      'maxOutputBytes: 1MiB',
      'shutdownGrace: 5s',
      'maxStartups: 200',
      'loginGraceTime: 120s',
      ...extra.split(','),
    ]
      .map((e) => e.trim())
      .filter((e) => e !== '')
      .map((e) => [e.slice(0, e.indexOf(':')).trim(), e] as const),
  );
  return [...entries.values()].join(', ');
}

function keygen(dir: string, name: string): string {
  const file = path.join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', file]);
  return file;
}

async function waitForAudit(audit: MemoryAudit, match: (r: AuditRecord) => boolean): Promise<AuditRecord> {
  for (;;) {
    const found = audit.records.find(match);
    if (found) return found;
    await new Promise((resolve) => audit.once('record', resolve));
  }
}
