// The whole benchmark: set up Keyhole and (when present) sshd, then figure by figure, round by round, measure each
// server, alternating which goes first. Everything started is stopped by PID through `cleanup`, also on failure.
import os from 'node:os';
import type { Cleanup } from './cleanup.ts';
import { eachRound, type Figure, type FigureContext, type FigureRun } from './figures/context.ts';
import { figureCommands } from './figures/commands.ts';
import { confinementFigure } from './figures/confinement.ts';
import { latencyFigure } from './figures/latency.ts';
import { figureLoginRate, figureRoundTrip } from './figures/logins.ts';
import { memoryFigure } from './figures/memory.ts';
import { figureStream } from './figures/stream.ts';
import type { Negotiated } from './load/ssh2.ts';
import { CLIENT_PROFILES, probeTransport, type ClientProfile } from './load/transport.ts';
import type { BenchOptions } from './options.ts';
import { aggregate, type Round, type Row } from './report/aggregate.ts';
import { metricDefs } from './report/metrics.ts';
import { startKeyhole } from './targets/keyhole.ts';
import { sshdUnavailable, startSshd } from './targets/sshd.ts';
import type { ServerName, Target } from './targets/target.ts';
import { createWorkdir } from './targets/workdir.ts';

export interface BenchReport {
  readonly options: BenchOptions;
  readonly servers: readonly ServerName[];
  /** Why sshd was left out, when it was. */
  readonly sshdSkipped: string | null;
  readonly rounds: readonly Round[];
  readonly rows: readonly Row[];
  readonly durationMs: number;
  /** The 1-minute load average before and after the run: other work on the machine skews every figure. */
  readonly load: { readonly before: number; readonly after: number };
  /** What each client negotiated with each server. */
  readonly transports: Transports;
}

type Transports = Partial<Record<ServerName, Partial<Record<ClientProfile, Negotiated>>>>;

export const FIGURES: readonly Figure[] = [
  eachRound(1, figureRoundTrip),
  eachRound(2, figureLoginRate),
  eachRound(3, figureCommands),
  eachRound(4, figureStream),
  memoryFigure,
  latencyFigure,
  confinementFigure,
];

/** Runs the benchmark; `progress` gets one line per step. */
export async function runBench(
  options: BenchOptions,
  cleanup: Cleanup,
  progress: (line: string) => void,
): Promise<BenchReport> {
  const started = performance.now();
  const loadBefore = os.loadavg()[0]!;
  const figures = FIGURES.filter((f) => options.only.length === 0 || options.only.includes(f.number));
  const sshdSkipped = options.sshd ? sshdUnavailable() : 'left out with --no-sshd';
  if (sshdSkipped) progress(`sshd skipped: ${sshdSkipped}`);
  const work = createWorkdir(figures.some((f) => f.number === 4) ? options.plan.streamBytes : 1);
  cleanup.add(() => work.remove());
  const ctx: FigureContext = {
    work,
    plan: options.plan,
    progress,
    startServer: async (name, tag, confinement) => {
      const target = name === 'keyhole' ? await startKeyhole(work, { tag, confinement }) : await startSshd(work);
      cleanup.add(() => target.stop());
      return target;
    },
  };
  const servers: ServerName[] = sshdSkipped ? ['keyhole'] : ['keyhole', 'sshd'];
  const shared = await Promise.all(servers.map((name) => startShared(name, ctx, options, cleanup)));
  const transports = await probeTransports(shared, work.clientKey, progress);
  const rounds: Round[] = Array.from({ length: options.plan.rounds }, () => ({}));
  for (const figure of figures) await measureFigure(figure, shared, rounds, ctx);
  await Promise.all(shared.map((t) => t.stop()));
  const rows = aggregate(metricDefs(options.plan), rounds).map((row) => ({
    ...row,
    transport: describeTransport(transports, row.def.client),
    node: process.version, // Keyhole runs on the bench's own node (targets/keyhole.ts)
  }));
  const load = { before: loadBefore, after: os.loadavg()[0]! };
  const durationMs = performance.now() - started;
  return { options, servers, sshdSkipped, rounds, rows, durationMs, load, transports };
}

// One login per client profile and server, to read what each negotiates (a failed probe is reported, not fatal).
async function probeTransports(
  shared: readonly Target[],
  key: string,
  progress: (line: string) => void,
): Promise<Transports> {
  const transports: Transports = {};
  for (const target of shared) {
    const found: Partial<Record<ClientProfile, Negotiated>> = {};
    for (const profile of CLIENT_PROFILES) {
      try {
        found[profile] = await probeTransport(target, key, profile);
      } catch (err) {
        progress(`${target.name}: cannot tell what ${profile} negotiates: ${(err as Error).message}`);
      }
    }
    transports[target.name] = found;
  }
  return transports;
}

// 'curve25519-sha256, chacha20-poly1305' (vendor suffixes dropped), or each server's when they differ.
function describeTransport(transports: Transports, profile: ClientProfile | null): string {
  if (profile === null) return '';
  const short = (n: Negotiated | undefined) => (n ? `${n.kex}, ${n.cipher}`.replace(/@[a-z0-9.-]+/g, '') : '?');
  const keyhole = short(transports.keyhole?.[profile]);
  if (!transports.sshd) return keyhole;
  const sshd = short(transports.sshd[profile]);
  return keyhole === sshd ? keyhole : `Keyhole ${keyhole}; sshd ${sshd}`;
}

// One figure: open it on every server, measure every round (the servers take turns going first), close it.
async function measureFigure(
  figure: Figure,
  shared: readonly Target[],
  rounds: Round[],
  ctx: FigureContext,
): Promise<void> {
  const runs = new Map<ServerName, FigureRun>();
  try {
    for (const target of shared) runs.set(target.name, await figure.open(target, ctx));
    for (const [r, round] of rounds.entries()) {
      for (const target of r % 2 === 0 ? shared : [...shared].reverse()) {
        ctx.progress(`figure ${figure.number}, round ${r + 1}/${rounds.length}: ${target.name}`);
        round[target.name] = { ...round[target.name], ...(await runs.get(target.name)!.round()) };
      }
    }
  } finally {
    for (const run of runs.values()) await run.close();
  }
}

// The servers most figures share; with --profile, Keyhole runs under node --cpu-prof.
async function startShared(
  name: ServerName,
  ctx: FigureContext,
  options: BenchOptions,
  cleanup: Cleanup,
): Promise<Target> {
  if (name === 'sshd' || !options.profileDir) return ctx.startServer(name, 'main');
  const target = await startKeyhole(ctx.work, {
    tag: 'main',
    nodeFlags: ['--cpu-prof', '--cpu-prof-dir', options.profileDir],
  });
  cleanup.add(() => target.stop());
  return target;
}
