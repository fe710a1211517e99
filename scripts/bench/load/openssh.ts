// Drives a server with the OpenSSH `ssh` binary: one process per login, as a person or a script would.
import { spawn } from 'node:child_process';
import type { Target } from '../targets/target.ts';
import { PINNED_KEX, type KexChoice } from './kex.ts';

export interface SshRun {
  /** Exit status of `ssh` (255: connection or auth failed; otherwise the remote command's). */
  readonly code: number | null;
  readonly stderr: string;
}

/** What a run asks of `ssh` besides the kex: a cipher (else the client's default), and DEBUG1 logging (to read
 * what was negotiated). */
export interface SshExtras {
  readonly cipher?: string;
  readonly verbose?: boolean;
}

/** Arguments for `ssh` that ignore every user config and known_hosts and log in with the bench key only. */
function sshArgs(target: Target, key: string, kex: KexChoice, command: string, extras: SshExtras): string[] {
  const options = [
    'BatchMode=yes',
    'StrictHostKeyChecking=no',
    'UserKnownHostsFile=/dev/null',
    'GlobalKnownHostsFile=/dev/null',
    'IdentitiesOnly=yes',
    'PreferredAuthentications=publickey',
    'ControlMaster=no',
    'ControlPath=none',
    extras.verbose ? 'LogLevel=DEBUG1' : 'LogLevel=ERROR',
    'ConnectTimeout=30',
    ...(kex === 'pinned' ? [`KexAlgorithms=${PINNED_KEX}`] : []),
    ...(extras.cipher ? [`Ciphers=${extras.cipher}`] : []),
  ];
  return [
    '-F',
    '/dev/null',
    '-T',
    '-i',
    key,
    ...options.flatMap((o) => ['-o', o]),
    '-p',
    String(target.port),
    `${target.user}@127.0.0.1`,
    command,
  ];
}

/** Runs `ssh ... COMMAND` to completion; its stdout goes to /dev/null (the streaming figure's discarding reader). */
export function runSsh(
  target: Target,
  key: string,
  kex: KexChoice,
  command: string,
  extras: SshExtras = {},
): Promise<SshRun> {
  const child = spawn('ssh', sshArgs(target, key, kex, command, extras), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stderr }));
  });
}

/** Like runSsh, but rejects with ssh's own message unless the command exited 0. */
export async function sshOk(...args: Parameters<typeof runSsh>): Promise<SshRun> {
  const [target, , , command] = args;
  const r = await runSsh(...args);
  if (r.code !== 0) throw new Error(`ssh to ${target.name} '${command}' exited ${r.code}: ${r.stderr.trim()}`);
  return r;
}
