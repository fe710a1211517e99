// The OpenSSH client for two-factor tests: an SSH_ASKPASS program that answers the password and code prompts, and
// `ssh` with keyboard-interactive on.
import { execFile } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ExecResult } from './clients.ts';
import { PASSWORD } from './config.ts';

/** A shell word that asks oathtool for the code of `secret` (base32) when the prompt comes. */
export const freshCode = (secret: string) => `$(oathtool --totp -b ${secret})`;

/** An askpass program: the password for a password prompt, else `code` (a shell word: a fixed code, or $(oathtool ...)
 * for one computed when asked). Every prompt is appended to DIR/prompts. */
export function askpass(dir: string, name: string, code: string): string {
  const file = path.join(dir, `askpass-${name}`);
  const prompts = path.join(dir, 'prompts');
  writeFileSync(
    file,
    `#!/bin/sh\nprintf '%s\\n' "$1" >> '${prompts}'\ncase "$1" in\n  *assword*) printf '%s\\n' '${PASSWORD}' ;;\n  *) printf '%s\\n' "${code}" ;;\nesac\n`,
  );
  chmodSync(file, 0o700);
  return file;
}

/** `ssh -p PORT USER@127.0.0.1 echo two-factors` with a key (or none) and keyboard-interactive through `askpassFile`. */
export function sshTwoFactors(
  port: number,
  user: string,
  askpassFile: string,
  opts: { key?: string; extra?: string[] } = {},
): Promise<ExecResult> {
  const methods = opts.key ? 'publickey,keyboard-interactive' : 'password,keyboard-interactive';
  const auth = opts.key ? ['-o', 'IdentitiesOnly=yes', '-i', opts.key] : ['-o', 'PubkeyAuthentication=no'];
  // OpenSSH takes the first value given for an option: the caller's come first.
  const args = [
    ...(opts.extra ?? []),
    ...['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR'],
    ...['-o', 'ConnectTimeout=10', '-o', 'BatchMode=no', '-o', 'KbdInteractiveAuthentication=yes'],
    ...['-o', `PreferredAuthentications=${methods}`, ...auth],
    ...['-p', String(port), `${user}@127.0.0.1`, 'echo two-factors'],
  ];
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    SSH_ASKPASS: askpassFile,
    SSH_ASKPASS_REQUIRE: 'force',
    DISPLAY: ':0',
  };
  return new Promise<ExecResult>((resolve) => {
    const child = execFile('ssh', args, { env, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ stdout, stderr, code: err ? (typeof err.code === 'number' ? err.code : null) : 0 });
    });
    child.stdin?.end();
  });
}
