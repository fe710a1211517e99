// Server CPU time, read from /proc: what a figure cost the server in CPU, which (unlike wall time) other work on the
// machine barely changes. Each process counts its own time and that of the children it has reaped, so the sum over
// the server's processes only grows: a command's time moves to its parent when it is reaped, it is never lost.
import { readFileSync } from 'node:fs';
import type { Target } from '../targets/target.ts';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU milliseconds (user + system, own and reaped children) used so far by the target's processes. */
export function serverCpuMs(target: Target): number {
  let ticks = 0;
  for (const pid of target.pids()) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime, stime, cutime, cstime are fields 14-17 of stat, 12-15 after the state field.
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    } catch {
      // exited between the listing and the read: its time is in its parent's cutime once reaped
    }
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** Runs `work` and returns the server CPU milliseconds it cost. */
export async function cpuOf(target: Target, work: () => Promise<void>): Promise<number> {
  const before = serverCpuMs(target);
  await work();
  return serverCpuMs(target) - before;
}
