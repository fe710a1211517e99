// The two clients the end-to-end tests drive Keyhole with: ssh2's Client, and the OpenSSH `ssh` binary.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import ssh2, { type ClientChannel, type ConnectConfig } from 'ssh2';

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number | null;
  signal?: string | null;
}

export type Credentials = { password: string } | { privateKey: string };

/** Connects with ssh2's client; resolves once authenticated. */
export function connectSsh2(port: number, username: string, creds: Credentials): Promise<ssh2.Client> {
  const client = new ssh2.Client();
  const auth: ConnectConfig =
    'password' in creds ? { password: creds.password } : { privateKey: readFileSync(creds.privateKey) };
  return new Promise((resolve, reject) => {
    client.once('ready', () => {
      client.removeListener('error', reject);
      client.on('error', () => undefined); // later errors surface as 'close'; a second one must not crash the worker
      resolve(client);
    });
    client.once('error', reject);
    client.connect({ host: '127.0.0.1', port, username, ...auth, readyTimeout: 60_000 });
  });
}

/** Runs one exec request on an open ssh2 connection and collects its output and status. */
export function execOn(client: ssh2.Client, command: string, opts: { pty?: boolean } = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    client.exec(command, { pty: opts.pty ?? false }, (err, channel) => {
      if (err) return reject(err);
      collect(channel).then(resolve, reject);
    });
  });
}

/** Collects a channel's stdout, stderr and exit status until it closes. */
export function collect(channel: ClientChannel): Promise<ExecResult> {
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let code: number | null = null;
    let signal: string | null = null;
    channel.on('data', (d: Buffer) => out.push(d));
    channel.stderr.on('data', (d: Buffer) => err.push(d));
    channel.on('exit', (c: number | null, s?: string) => {
      code = c;
      signal = s ?? null;
    });
    channel.on('close', () =>
      resolve({ stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), code, signal }),
    );
  });
}

/** Connects, runs one command and disconnects, with ssh2. */
export async function ssh2Exec(
  port: number,
  username: string,
  creds: Credentials,
  command: string,
): Promise<ExecResult> {
  const client = await connectSsh2(port, username, creds);
  try {
    return await execOn(client, command);
  } finally {
    client.end();
  }
}

const SSH_OPTIONS = [
  '-o',
  'StrictHostKeyChecking=no',
  '-o',
  'UserKnownHostsFile=/dev/null',
  '-o',
  'LogLevel=ERROR',
  '-o',
  'ConnectTimeout=10',
  '-o',
  'BatchMode=no',
];

/** Arguments and environment for the OpenSSH client: a key with IdentitiesOnly, or a password through SSH_ASKPASS. */
export function opensshArgs(port: number, user: string, creds: Credentials, dir: string, extra: string[] = []) {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  let auth: string[];
  if ('password' in creds) {
    const askpass = path.join(dir, `askpass-${Buffer.from(creds.password).toString('hex').slice(0, 16)}`);
    writeFileSync(askpass, `#!/bin/sh\nprintf '%s\\n' '${creds.password.replace(/'/g, "'\\''")}'\n`);
    chmodSync(askpass, 0o700);
    Object.assign(env, { SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' });
    auth = ['-o', 'PreferredAuthentications=password', '-o', 'PubkeyAuthentication=no'];
  } else {
    auth = ['-o', 'IdentitiesOnly=yes', '-o', 'PreferredAuthentications=publickey', '-i', creds.privateKey];
  }
  const args = [...SSH_OPTIONS, ...auth, '-p', String(port), ...extra, `${user}@127.0.0.1`];
  return { args, env };
}

/** Runs `ssh ... user@127.0.0.1 COMMAND` with the OpenSSH binary; resolves with its output and exit code. */
export function opensshExec(
  port: number,
  user: string,
  creds: Credentials,
  dir: string,
  command: string | null,
  extra: string[] = [],
): Promise<ExecResult> {
  const { args, env } = opensshArgs(port, user, creds, dir, extra);
  return new Promise((resolve) => {
    const child = execFile(
      'ssh',
      command === null ? args : [...args, command],
      { env, timeout: 30_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        resolve({ stdout, stderr, code });
      },
    );
    child.stdin?.end();
  });
}

/** Starts the OpenSSH client with a pty (-tt) for keystroke-driven tests; the caller writes to stdin. */
export function opensshInteractive(
  port: number,
  user: string,
  creds: Credentials,
  dir: string,
  command?: string,
): ChildProcess {
  const { args, env } = opensshArgs(port, user, creds, dir, ['-tt']);
  return spawn('ssh', command ? [...args, command] : args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
}
