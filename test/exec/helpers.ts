// What the runner's tests share: a recording destination, a run() with test defaults, and process-state probes.
// /bin/sh -c appears in these tests only to build fixtures (a grandchild, a trap); Keyhole itself never runs a shell.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { runProcess } from '../../src/exec/run.ts';
import type { RunRequest } from '../../src/exec/request.ts';

/** A destination that keeps what it receives and announces each chunk. */
export class Sink extends Writable {
  readonly chunks: Buffer[] = [];
  constructor(private readonly slow = false) {
    super({ highWaterMark: slow ? 1024 : 16 * 1024 });
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.chunks.push(chunk);
    this.emit('chunk');
    if (this.slow) setImmediate(done);
    else done();
  }
  get buffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
  get text(): string {
    return this.buffer.toString();
  }
}

export const PATH = '/usr/local/bin:/usr/bin:/bin';

// Runs a program with defaults suited to tests; the sinks are returned for inspection.
export function run(program: string, args: string[], extra: Partial<RunRequest> = {}) {
  const stdout = new Sink();
  const stderr = new Sink();
  const done = runProcess({
    program,
    args,
    env: { PATH },
    cwd: '/',
    timeoutMs: 0,
    maxOutputBytes: 0,
    stdout,
    stderr,
    ...extra,
  });
  return { done, stdout: (extra.stdout as Sink | undefined) ?? stdout, stderr };
}

// Whether a process is dead or dying: gone (ESRCH), a zombie that init has not reaped yet, or already exiting.
export function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return true; // reaped between the two checks
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const PF_EXITING = 0x4;
  return fields[0] === 'Z' || fields[0] === 'X' || (Number(fields[6]) & PF_EXITING) !== 0;
}

// Waits until the sink has received a whole first line and returns it.
export async function firstLine(sink: Sink): Promise<string> {
  while (!sink.text.includes('\n')) await once(sink, 'chunk');
  return sink.text.split('\n')[0]!;
}
