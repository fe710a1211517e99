// Starts OpenSSH's sshd on a loopback port as a comparable restricted setup: its own config and host key, key login
// only, and a ForceCommand wrapper that allows the same commands as Keyhole's bench config (true, echo, cat in srv).
import { execFileSync } from 'node:child_process';
import { accessSync, chmodSync, constants, copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import path from 'node:path';
import type { Target } from './target.ts';
import { processTree, spawnServer, stopProcessTree } from './process.ts';
import type { Workdir } from './workdir.ts';

export const SSHD_BIN = '/usr/sbin/sshd';

/** Null when sshd can be run here; otherwise why not, in one line. */
export function sshdUnavailable(): string | null {
  try {
    accessSync(SSHD_BIN, constants.X_OK);
    return null;
  } catch {
    return `${SSHD_BIN} not found: install the Debian package openssh-server to compare with sshd`;
  }
}

// Same rules as Keyhole's config: `true` alone, `echo` with any words, `cat` of one file under srv. No globbing
// (set -f), words split on spaces as Keyhole's tokenizer would for these commands, argv exec'd without a shell.
function wrapperScript(srv: string): string {
  return `#!/bin/sh
set -f
set -- $SSH_ORIGINAL_COMMAND
case "$1" in
  true) [ $# -eq 1 ] && exec /bin/true ;;
  echo) shift; exec /bin/echo "$@" ;;
  cat) [ $# -eq 2 ] && case "$2" in ${srv}/*..*) ;; ${srv}/*) exec /bin/cat -- "$2" ;; esac ;;
esac
echo "denied: $SSH_ORIGINAL_COMMAND" >&2
exit 126
`;
}

/**
 * sshd_config: loopback, key login for the current user, no PAM/DNS/forwarding, the wrapper for every session.
 * sshd runs the wrapper through the user's login shell, and bash sources ~/.bashrc when it sees SSH_CLIENT unless
 * SHLVL says it is nested: SetEnv SHLVL=1 keeps the account's rc files (on this machine root's runs `pyenv init`,
 * about a second) out of the figures, as a dedicated restricted account would.
 */
export function sshdConfig(work: Workdir, port: number, user: string): string {
  const d = work.dir;
  return `Port ${port}
ListenAddress 127.0.0.1
HostKey ${d}/sshd_host_ed25519_key
PidFile none
AuthorizedKeysFile ${d}/authorized_keys
StrictModes no
AllowUsers ${user}
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
UseDNS no
PrintMotd no
PrintLastLog no
AllowTcpForwarding no
AllowAgentForwarding no
AllowStreamLocalForwarding no
X11Forwarding no
PermitTunnel no
AcceptEnv LANG LC_*
MaxStartups 1000
MaxAuthTries 6
LogLevel INFO
SetEnv SHLVL=1
ForceCommand ${d}/sshd-wrapper.sh
`;
}

/** Starts `sshd -D -e -f CONFIG` on a free loopback port and resolves once it listens. */
export async function startSshd(work: Workdir): Promise<Target> {
  const user = userInfo().username;
  const d = work.dir;
  if (!existsSync(`${d}/sshd_host_ed25519_key`)) {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', `${d}/sshd_host_ed25519_key`]);
    copyFileSync(`${work.clientKey}.pub`, `${d}/authorized_keys`);
    writeFileSync(`${d}/sshd-wrapper.sh`, wrapperScript(work.srv));
    chmodSync(`${d}/sshd-wrapper.sh`, 0o755);
  }
  ensureSshdPrivsepDir();
  const port = await freePort();
  const configFile = path.join(d, `sshd_config-${port}`);
  writeFileSync(configFile, sshdConfig(work, port, user));
  const server = await spawnServer(SSHD_BIN, ['-D', '-e', '-f', configFile], {
    logFile: path.join(d, `sshd-${port}.log`),
    ready: /Server listening on [\d.]+ port (\d+)/,
  });
  let stopping: Promise<void> | null = null;
  return {
    name: 'sshd',
    port,
    user,
    pids: () => processTree(server.pid),
    stop: () => (stopping ??= stopProcessTree(server.pid, server.exited)),
  };
}

/**
 * sshd as root refuses to run, even for `sshd -T`, without its privilege-separation folder, which the system service
 * normally makes: on a machine where openssh-server was installed with its service kept from starting (CI), make it.
 */
export function ensureSshdPrivsepDir(): void {
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
}

/** A loopback port that was free a moment ago (sshd cannot be told to pick one and report it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
