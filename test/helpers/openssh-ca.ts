// OpenSSH's own sshd as a certificate-only server for client tests: a user CA (TrustedUserCAKeys), no authorized_keys,
// on a loopback port in a temp dir; and ssh-agent on a socket there. Both are stopped by PID in teardown.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { ensureSshdPrivsepDir, freePort } from '../../scripts/bench/targets/sshd.ts';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';

export const SSHD = '/usr/sbin/sshd';

export interface CaSshd {
  readonly dir: string;
  readonly port: number;
  readonly user: string;
  /** The CA's private key (ed25519), trusted by this sshd for user certificates. */
  readonly ca: string;
  /** sshd's log so far (stderr with -e). */
  log(): string;
  /** Resolves once sshd's log matches (sshd may log a refusal after the client has its answer). */
  waitForLog(pattern: RegExp): Promise<void>;
}

/** Stops `child` by its PID: SIGTERM, then SIGKILL if it has not exited within 5 s. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** A key pair `dir/name` (and `.pub`) of the given type, no passphrase. */
export function userKey(dir: string, name: string, type: 'ed25519' | 'ecdsa' | 'rsa'): string {
  const file = path.join(dir, name);
  const bits = type === 'rsa' ? ['-b', '3072'] : [];
  execFileSync('ssh-keygen', ['-q', '-t', type, ...bits, '-N', '', '-C', name, '-f', file]);
  return file;
}

/** Signs `key.pub` with the CA into `key-cert.pub` for `principal`; `validity` as ssh-keygen -V takes it. */
export function signUserKey(ca: string, key: string, principal: string, validity = '-5m:+1h'): string {
  execFileSync('ssh-keygen', [
    '-q',
    '-s',
    ca,
    '-I',
    `id-${path.basename(key)}`,
    '-n',
    principal,
    '-V',
    validity,
    `${key}.pub`,
  ]);
  return `${key}-cert.pub`;
}

/** Resolves when `pattern` shows up in the child's output, rejects if it exits first. */
function waitForOutput(child: ChildProcess, pattern: RegExp, output: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!pattern.test(output())) return;
      child.stdout?.off('data', check);
      child.stderr?.off('data', check);
      child.off('exit', onExit);
      resolve();
    };
    const onExit = (code: number | null) => reject(new Error(`exited (${code}) before ready:\n${output()}`));
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.once('exit', onExit);
    check();
  });
}

/** Starts sshd trusting a new CA; `extraConfig` lines are appended. Teardown stops it and removes the dir. */
export async function startCaSshd(
  teardown: (fn: () => Promise<void> | void) => void,
  extraConfig: string[] = [],
): Promise<CaSshd> {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyhole-ca-sshd-'));
  teardown(() => rmSync(dir, { recursive: true, force: true }));
  const user = userInfo().username;
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'host_key')]);
  const ca = path.join(dir, 'ca');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'test-ca', '-f', ca]);
  ensureSshdPrivsepDir();
  // The free port may be taken by the time sshd binds it (tests run in parallel): then once more with another.
  try {
    return await spawnSshd(dir, ca, user, extraConfig, teardown);
  } catch (err) {
    if (!/Address already in use/.test((err as Error).message)) throw err;
    return spawnSshd(dir, ca, user, extraConfig, teardown);
  }
}

async function spawnSshd(
  dir: string,
  ca: string,
  user: string,
  extraConfig: string[],
  teardown: (fn: () => Promise<void> | void) => void,
): Promise<CaSshd> {
  const port = await freePort();
  const config = path.join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${dir}/host_key`,
      'PidFile none',
      `TrustedUserCAKeys ${ca}.pub`,
      'AuthorizedKeysFile none',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'UseDNS no',
      'StrictModes no',
      `AllowUsers ${user}`,
      'PermitRootLogin prohibit-password',
      'LogLevel VERBOSE',
      // bash sources root's rc files for a command over SSH unless SHLVL says it is nested (slow on this machine).
      'SetEnv SHLVL=1',
      ...extraConfig,
      '',
    ].join('\n'),
  );
  let log = '';
  const child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  teardown(() => stopChild(child));
  await waitForOutput(child, /Server listening on 127\.0\.0\.1 port \d+/, () => log);
  return { dir, port, user, ca, log: () => log, waitForLog: (pattern) => waitForOutput(child, pattern, () => log) };
}

/** Starts `ssh-agent -D -a dir/agent.sock`; teardown stops it by PID. Resolves with the socket path. */
export async function startAgent(dir: string, teardown: (fn: () => Promise<void>) => void): Promise<string> {
  const sock = path.join(dir, 'agent.sock');
  let out = '';
  const child = spawn('ssh-agent', ['-D', '-a', sock], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  teardown(() => stopChild(child));
  // With -D it prints the SSH_AUTH_SOCK line once it listens.
  await waitForOutput(child, /SSH_AUTH_SOCK=/, () => out);
  return sock;
}

/** `ssh-add key` into the agent at `sock` (ssh-add adds key-cert.pub beside the key too); returns `ssh-add -l`. */
export function agentAdd(sock: string, key: string): string {
  const env = { ...process.env, SSH_AUTH_SOCK: sock };
  execFileSync('ssh-add', [key], { env, stdio: 'pipe' });
  return execFileSync('ssh-add', ['-l'], { env, encoding: 'utf8' });
}

/** The certificate's validity as ssh-keygen -L prints it (for failure messages). */
export function describeCertificate(cert: string): string {
  return execFileSync('ssh-keygen', ['-L', '-f', cert], { encoding: 'utf8' }) + readFileSync(cert, 'utf8');
}
