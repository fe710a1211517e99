// Starting a server process for the benchmark, finding all of its processes, and ending exactly those (by PID).
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** The first match of the readiness pattern in the process's output. */
  readonly ready: RegExpExecArray;
  /** Resolves once the process has exited. */
  readonly exited: Promise<void>;
}

export interface SpawnServerOptions {
  /** Where stdout and stderr are copied (the server keeps logging there while it runs). */
  readonly logFile: string;
  /** A line in the output that says the server accepts connections. */
  readonly ready: RegExp;
  readonly timeoutMs?: number;
}

/** Spawns a server and resolves once its output matches `ready`; kills it and rejects if it exits or stalls first. */
export async function spawnServer(command: string, args: string[], opts: SpawnServerOptions): Promise<ServerProcess> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(opts.logFile);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let text = '';
  let matched = false;
  const ready = new Promise<RegExpExecArray>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      log.write(chunk);
      if (matched) return;
      text += chunk.toString();
      const match = opts.ready.exec(text);
      if (!match) return;
      matched = true;
      resolve(match);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', reject);
    void exited.then(() => reject(new Error(`${command} exited before it was ready; its output: ${text.trim()}`)));
    const timeoutMs = opts.timeoutMs ?? 20_000;
    setTimeout(
      () => reject(new Error(`${command} not ready after ${timeoutMs} ms; see ${opts.logFile}`)),
      timeoutMs,
    ).unref();
  });
  void exited.then(() => log.end());
  try {
    const match = await ready;
    return { child, pid: child.pid!, ready: match, exited };
  } catch (err) {
    await stopProcessTree(child.pid, exited);
    throw err;
  }
}

/** The PID and every descendant of it (children of children too), read from /proc. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = parentOf(Number(entry));
    if (ppid === null) continue;
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

// The parent PID from /proc/PID/stat (after the command name, which may itself contain spaces and parentheses).
function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null; // it exited while we looked
  }
}

/** SIGTERM to a process and all its descendants, SIGKILL to whatever is left after a grace period; waits for `exited`. */
export async function stopProcessTree(pid: number | undefined, exited: Promise<void>, graceMs = 3000): Promise<void> {
  if (pid === undefined) return;
  const tree = processTree(pid);
  for (const p of tree) signal(p, 'SIGTERM');
  const timer = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), graceMs).unref());
  if ((await Promise.race([exited, timer])) === 'late') signal(pid, 'SIGKILL');
  await exited;
  // Descendants that outlived their parent (sshd's per-connection processes) are still ours to end.
  for (const p of tree.slice(1)) signal(p, 'SIGKILL');
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // ESRCH: already gone
  }
}
