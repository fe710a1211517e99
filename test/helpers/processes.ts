// The processes a test started, directly or not. Commands are spawned by Keyhole's launcher processes
// (src/exec/launcher.ts), so they are this process's grandchildren: look at the whole tree, not at --ppid.
import { execFileSync } from 'node:child_process';

/** The live descendants of `root` (default: this process), as `pid comm`; zombies count as gone (PID 1 may not reap). */
export function liveDescendants(root = process.pid): string[] {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,stat=,comm='], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 4)
    .map(([pid, ppid, stat, comm]) => ({ pid: Number(pid), ppid: Number(ppid), stat: stat!, comm: comm! }));
  const found: string[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const row of rows.filter((r) => r.ppid === parent)) {
      queue.push(row.pid);
      if (row.comm !== 'ps' && !row.stat.startsWith('Z')) found.push(`${row.pid} ${row.comm}`);
    }
  }
  return found;
}

/**
 * Waits until `condition` holds. Only for what has no event to wait on: a process appearing or ending elsewhere
 * (the kernel tells its parent, not us). Bounded by ava's test timeout.
 */
export async function processesSettle(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** The pid of a live descendant named `name`, waiting until one appears. */
export async function descendantNamed(name: string, root = process.pid): Promise<number> {
  let match: string | undefined;
  await processesSettle(() => (match = liveDescendants(root).find((c) => c.endsWith(` ${name}`))) !== undefined);
  return Number(match!.split(' ')[0]);
}

/**
 * Live processes anywhere on the machine whose command line is exactly `args` (give a test its own unique argument):
 * a process orphaned by its parent's death is reparented out of the test's tree, so descendants cannot find it.
 */
export function liveProcessesRunning(args: string): number[] {
  return execFileSync('ps', ['-e', '-o', 'pid=,stat=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((l) => /^\s*(\d+)\s+(\S+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null && !m[2]!.startsWith('Z') && m[3] === args)
    .map((m) => Number(m[1]));
}

/** `ps` rows of `pids` and of their ancestors up to PID 1, to show who holds a process that should be gone. */
export function processLineage(pids: readonly number[]): string {
  const rows = new Map(
    execFileSync('ps', ['-e', '-o', 'pid=,ppid=,pgid=,sid=,stat=,wchan:20=,args='], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => [Number(l.trim().split(/\s+/)[0]), l] as const),
  );
  const shown = new Set<number>();
  for (let pid of pids) {
    while (pid > 1 && !shown.has(pid) && rows.has(pid)) {
      shown.add(pid);
      pid = Number(rows.get(pid)!.trim().split(/\s+/)[1]);
    }
  }
  return ['  PID  PPID  PGID   SID STAT WCHAN ARGS', ...[...shown].sort((a, b) => a - b).map((p) => rows.get(p)!)].join(
    '\n',
  );
}
