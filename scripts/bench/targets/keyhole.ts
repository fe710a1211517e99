// Starts the real `keyhole serve` program on a loopback port with a config that allows what the figures run.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Target } from './target.ts';
import { processTree, spawnServer, stopProcessTree } from './process.ts';
import type { Workdir } from './workdir.ts';

export const KEYHOLE_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/keyhole.js');
export const KEYHOLE_USER = 'bench';

export interface KeyholeOptions {
  /** Extra node flags, e.g. ['--cpu-prof', '--cpu-prof-dir', DIR] to profile the server. */
  readonly nodeFlags?: readonly string[];
  /** Distinguishes the config, log and audit files of several instances in one workdir. */
  readonly tag?: string;
  /** The config's `confinement:`; left out (so Keyhole's default, auto) when undefined. */
  readonly confinement?: Confinement;
}

export type Confinement = 'required' | 'auto' | 'off';

/**
 * The config: the bench user may run `true`, `echo` and `cat` of files in the workdir, with room for 2000 sessions.
 * `runAs: root` runs commands as the account the bench runs as, like sshd, which runs them as the logged-in user (the
 * same account); without it a root Keyhole would add a setpriv exec to every command (config/run-as.ts).
 */
export function keyholeConfig(work: Workdir, tag: string, confinement?: Confinement): string {
  const d = work.dir;
  return `${confinement ? `confinement: ${confinement}\n` : ''}listen: { host: 127.0.0.1, port: 0 }
hostKeys: [${d}/keyhole_host_ed25519_key]
audit: { file: ${d}/keyhole-${tag}-audit.log }
cwd: ${work.srv}
runAs: root
env: { PATH: /usr/bin:/bin, LANG: C.UTF-8 }
limits: { commandTimeout: 10m, maxOutputBytes: 4GiB, maxStartups: 1000, maxStartupsPerSource: 1000, maxSessions: 4000, maxSessionsPerUser: 4000, maxCommandsPerUser: 4000 }
users:
  ${KEYHOLE_USER}: { authorizedKeys: ${work.clientKey}.pub, role: bench }
roles:
  bench: { commands: ['true', echo, cat] }
commands:
  'true': { program: /bin/true, args: none }
  echo: { program: /bin/echo, args: any }
  cat: { program: /bin/cat, paths: [${work.srv}] }
`;
}

/** Starts Keyhole as its own process and resolves once it listens. */
export async function startKeyhole(work: Workdir, opts: KeyholeOptions = {}): Promise<Target> {
  const tag = opts.tag ?? 'main';
  const configFile = path.join(work.dir, `keyhole-${tag}.yaml`);
  writeFileSync(configFile, keyholeConfig(work, tag, opts.confinement));
  const args = [...(opts.nodeFlags ?? []), KEYHOLE_BIN, 'serve', '--config', configFile];
  const server = await spawnServer(process.execPath, args, {
    logFile: path.join(work.dir, `keyhole-${tag}.log`),
    // The start-up line about confinement (cli/serve.ts) comes before the one about listening.
    ready: /(?:confinement (\w+) landlockAbi=(\d+) helper="([^"]*)"[\s\S]*)?listening on [\d.]+:(\d+)/,
  });
  const [, mode, abi, helper, port] = server.ready;
  let stopping: Promise<void> | null = null;
  return {
    name: 'keyhole',
    port: Number(port),
    confinement: mode ? `${mode}, Landlock ABI ${abi}, helper ${helper}` : 'not said at start-up',
    user: KEYHOLE_USER,
    // Keyhole is one process today; its children (a running command, helpers it may start) count as its own too.
    pids: () => processTree(server.pid),
    // SIGTERM is Keyhole's graceful shutdown (which also writes a --cpu-prof profile on the way out).
    stop: () => (stopping ??= stopProcessTree(server.pid, server.exited, 15_000)),
  };
}
