// The benchmark's scratch folder: a client key that both servers accept and the file that `cat` streams.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, closeSync, writeSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface Workdir {
  readonly dir: string;
  /** The folder commands may read (Keyhole's path root and cwd, the wrapper's allowed prefix). */
  readonly srv: string;
  /** Private key file (ed25519, no passphrase); the public half is `${clientKey}.pub`. */
  readonly clientKey: string;
  /** The file `cat` streams, `dataBytes` long. */
  readonly dataFile: string;
  readonly dataBytes: number;
  remove(): void;
}

/** Makes a fresh temp folder with a client key and a data file of `dataBytes` random bytes. */
export function createWorkdir(dataBytes: number): Workdir {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyhole-bench-'));
  const srv = path.join(dir, 'srv');
  mkdirSync(srv);
  const clientKey = path.join(dir, 'client_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'bench', '-f', clientKey]);
  const dataFile = path.join(srv, 'stream.bin');
  writeDataFile(dataFile, dataBytes);
  return { dir, srv, clientKey, dataFile, dataBytes, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

// Random content (one random MiB repeated) so that nothing on the way could make the transfer cheaper.
function writeDataFile(file: string, bytes: number): void {
  const block = randomBytes(Math.min(bytes, 1024 * 1024));
  const fd = openSync(file, 'w');
  try {
    for (let written = 0; written < bytes;) written += writeSync(fd, block, 0, Math.min(block.length, bytes - written));
  } finally {
    closeSync(fd);
  }
}
