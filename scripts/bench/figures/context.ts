// What every figure gets besides the server (the scratch folder, the plan, a progress log, a way to start a fresh
// server), and the shape of a figure: opened once per server, measured once per round, closed once.
import type { Plan } from '../options.ts';
import type { Figures } from '../report/metrics.ts';
import type { Confinement } from '../targets/keyhole.ts';
import type { ServerName, Target } from '../targets/target.ts';
import type { Workdir } from '../targets/workdir.ts';

export interface FigureContext {
  readonly work: Workdir;
  readonly plan: Plan;
  /** One line of progress on stderr. */
  progress(message: string): void;
  /**
   * Starts another instance of a server (stopped by the caller, or by the bench's cleanup at the latest); `confinement`
   * sets Keyhole's `confinement:` (sshd ignores it).
   */
  startServer(name: ServerName, tag: string, confinement?: Confinement): Promise<Target>;
}

/** One figure on one server for the whole run. */
export interface FigureRun {
  /** Measures one round. */
  round(): Promise<Figures>;
  /** Ends what `open` set up (background sessions). */
  close(): Promise<void>;
}

export interface Figure {
  readonly number: number;
  open(target: Target, ctx: FigureContext): Promise<FigureRun>;
}

/** A figure with nothing to set up: every round calls `measure`. */
export function eachRound(number: number, measure: (target: Target, ctx: FigureContext) => Promise<Figures>): Figure {
  return {
    number,
    open: async (target, ctx) => ({ round: () => measure(target, ctx), close: async () => {} }),
  };
}

/** Resolves after `ms` milliseconds (the bench paces load and lets servers settle; the tests never sleep). */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
