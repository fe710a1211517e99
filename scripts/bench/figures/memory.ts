// Figure 5: the server's memory with no session and with many idle authenticated sessions (connections that logged
// in and opened nothing), per session. PSS (from /proc/PID/smaps_rollup) splits shared pages between the processes
// that share them, so summing it over sshd's listener and all its children counts each page once.
import { readFileSync } from 'node:fs';
import { closeClient, connectClient, loginOnce, type Client } from '../load/ssh2.ts';
import type { Figures } from '../report/metrics.ts';
import { median, runPool } from '../stats.ts';
import type { Target } from '../targets/target.ts';
import { pause, type Figure, type FigureContext } from './context.ts';

export interface Memory {
  readonly pssKiB: number;
  readonly rssKiB: number;
  readonly processes: number;
}

/** Sums PSS and RSS (KiB) over processes; one that exits while being read is left out. */
function readMemory(pids: readonly number[]): Memory {
  let pssKiB = 0;
  let rssKiB = 0;
  let processes = 0;
  for (const pid of pids) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    } catch {
      continue;
    }
    pssKiB += field(text, 'Pss');
    rssKiB += field(text, 'Rss');
    processes++;
  }
  return { pssKiB, rssKiB, processes };
}

function field(text: string, name: string): number {
  const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

/** The median of three readings spread over the plan's settle time, after the server has been left alone. */
async function settledMemory(target: Target, settleMs: number): Promise<Memory> {
  await pause(settleMs);
  const readings: Memory[] = [];
  for (let i = 0; i < 3; i++) {
    if (i > 0) await pause(settleMs / 3);
    readings.push(readMemory(target.pids()));
  }
  return {
    pssKiB: median(readings.map((r) => r.pssKiB)),
    rssKiB: median(readings.map((r) => r.rssKiB)),
    processes: median(readings.map((r) => r.processes)),
  };
}

/** Memory of one server, which should be freshly started: idle first, then with the plan's idle sessions. */
export async function measureMemory(target: Target, ctx: FigureContext): Promise<Figures> {
  const { idleSessions: n, settleMs } = ctx.plan;
  await loginOnce(target, ctx.work.clientKey, 'true'); // code paths loaded, as on any server that has served once
  const idle = await settledMemory(target, settleMs);
  const clients: Client[] = [];
  try {
    await runPool(n, 16, async () => void clients.push(await connectClient(target, ctx.work.clientKey)));
    const busy = await settledMemory(target, settleMs);
    ctx.progress(
      `${target.name}: ${idle.processes} → ${busy.processes} processes, PSS ${idle.pssKiB} → ${busy.pssKiB} KiB`,
    );
    return {
      'mem-pss-0': idle.pssKiB / 1024,
      'mem-pss-n': busy.pssKiB / 1024,
      'mem-pss-per-session': (busy.pssKiB - idle.pssKiB) / n,
      'mem-rss-per-session': (busy.rssKiB - idle.rssKiB) / n,
    };
  } finally {
    await runPool(clients.length, 32, (i) => closeClient(clients[i]!));
  }
}

/** Figure 5: every round starts a fresh instance of the server, so that no round inherits another's heap. */
export const memoryFigure: Figure = {
  number: 5,
  async open(target, ctx) {
    let instance = 0;
    return {
      async round() {
        const fresh = await ctx.startServer(target.name, `memory-${++instance}`);
        try {
          return await measureMemory(fresh, ctx);
        } finally {
          await fresh.stop();
        }
      },
      close: async () => {},
    };
  },
};
