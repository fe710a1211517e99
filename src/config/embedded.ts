// The embedded default config used when `keyhole serve` gets no --config: loopback only, a demo user, a small safe
// command set. Its credentials are public, so the server refuses to listen anywhere but loopback with them.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { loadConfigText, type LoadResult } from './load.ts';

/** The project's root folder: relative paths of the embedded default (keys/) are taken from here. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const DEMO_USER = 'demo';
export const DEMO_PASSWORD = 'demo';
// `keyhole hash-password` of DEMO_PASSWORD; it is also the demo admin password.
const DEMO_HASH = '$scrypt$ln=15,r=8,p=1$POg32HPW6mvN0ubG/FTjpQ$PkLmXscp56LDH1op9nV0v5UFv4fPBPpOwiED6zK8TGw';

const EMBEDDED = `
listen: { host: 127.0.0.1, port: 2222 }
hostKeys: [keys/ssh_host_ed25519_key]
adminPassword: "${DEMO_HASH}"
cwd: /tmp
limits: { commandTimeout: 30s, maxOutputBytes: 10MiB }
users:
  ${DEMO_USER}: { password: "${DEMO_HASH}", role: operator }
roles:
  operator: { commands: [echo, date, uptime, uname, ls, df, sleep], elevate: true }
  admin: { inherits: [operator], admin: true }
commands:
  echo: { program: /bin/echo, args: any }
  date: { program: /bin/date, args: none }
  uptime: { program: /usr/bin/uptime, args: none }
  uname: { program: /bin/uname, flags: [-a, -s, -r, -m, -n] }
  ls: { program: /bin/ls, flags: [-l, -a, -h, -la, -lh, -lah], paths: [/tmp] }
  df: { program: /bin/df, flags: [-h] }
  sleep: { program: /bin/sleep, patterns: ['[0-9]{1,3}'], maxArgs: 1 }
`;

/** Loads the embedded default; commands whose program this machine lacks (uptime without procps) are left out. */
export function loadEmbeddedConfig(): LoadResult {
  const raw = parse(EMBEDDED) as {
    commands: Record<string, { program: string }>;
    roles: { operator: { commands: string[] } };
  };
  for (const [name, spec] of Object.entries(raw.commands)) {
    if (existsSync(spec.program)) continue;
    delete raw.commands[name];
    raw.roles.operator.commands = raw.roles.operator.commands.filter((c) => c !== name);
  }
  // Started as root (a container, CI), the demo runs its commands as nobody rather than as root.
  if (process.getuid?.() === 0) (raw as Record<string, unknown>).runAs = { user: 'nobody' };
  const result = loadConfigText(stringify(raw), '<embedded default>', PROJECT_ROOT);
  return result.ok ? { ok: true, config: { ...result.config, demoCredentials: true } } : result;
}
