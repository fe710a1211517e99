// The machine a report was measured on: CPU, cores, memory, kernel, and the versions of Node, OpenSSH and ssh2.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import { SSHD_BIN } from '../targets/sshd.ts';

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memory: string;
  readonly kernel: string;
  readonly node: string;
  readonly sshClient: string;
  readonly sshd: string;
  readonly ssh2: string;
  /** The Keyhole source measured: its git commit, and whether src/ had uncommitted changes. */
  readonly keyhole: string;
}

/** Describes this machine; a version that cannot be read is 'unknown'. */
export function describeMachine(): Machine {
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memory: `${Math.round(os.totalmem() / 1024 ** 3)} GiB`,
    kernel: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    sshClient: firstLine(spawnSync('ssh', ['-V'], { encoding: 'utf8' }).stderr),
    sshd: sshdVersion(),
    ssh2: ssh2Version(),
    keyhole: keyholeVersion(),
  };
}

// sshd has no version flag: it prints its version in the usage message of an unknown one.
function sshdVersion(): string {
  const r = spawnSync(SSHD_BIN, ['-V'], { encoding: 'utf8' });
  if (r.error) return 'not installed';
  const version = firstLine(r.stderr);
  try {
    const pkg = execFileSync('dpkg-query', ['-W', '-f', '${Version}', 'openssh-server'], { encoding: 'utf8' });
    return `${version} (Debian openssh-server ${pkg})`;
  } catch {
    return version;
  }
}

function ssh2Version(): string {
  try {
    const require = createRequire(import.meta.url);
    const file = require.resolve('ssh2/package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

// The commit, and whether src/ or bin/ differ from it (the bench's own files do not change what is measured).
function keyholeVersion(): string {
  const head = spawnSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' });
  if (head.status !== 0) return 'not a git checkout';
  const changes = spawnSync('git', ['status', '--porcelain', '--', 'src', 'bin'], { encoding: 'utf8' }).stdout.trim();
  return `commit ${head.stdout.trim()}${changes ? ', with uncommitted changes in src/ or bin/' : ''}`;
}

function firstLine(text: string | undefined): string {
  return text?.split('\n')[0]?.trim() || 'unknown';
}
