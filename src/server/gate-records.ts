// The gate's audit records, `penalty` and `refused`, coalesced so that a flood cannot flood the trail: the first
// refusal of a source for a reason is written at once, the rest within the window are counted and written as one
// record when the window ends (or at shutdown). The log hears the same, as rarely.
import type { Audit } from '../audit/audit.ts';
import type { Logger } from '../log.ts';
import type { PenaltyKind } from './penalties.ts';

/** Why the gate refused a connection before SSH. */
export type RefusalReason = 'penalty' | 'startups' | 'startups-per-source' | 'random-early-drop';

interface Pending {
  count: number;
  left: number | undefined;
  timer: NodeJS.Timeout;
}

const MAX_KEYS = 4096; // sources × reasons waiting for their window to end; more are written at once

/** Writes the gate's records; `windowMs` is how long refusals of one source for one reason are counted together. */
export class GateRecords {
  #pending = new Map<string, Pending>();

  constructor(
    private readonly audit: Audit,
    private readonly log: Logger,
    private readonly windowMs = 10_000,
  ) {}

  /** A source's penalty was raised past the threshold: from now on it is refused for `left` seconds. */
  penalty(source: string, kind: PenaltyKind, added: number, left: number): void {
    this.log.log('info', 'source penalised: its connections are refused', { source, kind, added, left });
    this.#write({ event: 'penalty', source, kind, added, left: round(left) });
  }

  /** A connection from `source` was refused; `left` is the penalty's time left, for `penalty`. */
  refused(source: string, reason: RefusalReason, left?: number): void {
    const key = `${reason} ${source}`;
    const pending = this.#pending.get(key);
    if (pending) {
      pending.count++;
      pending.left = left === undefined ? undefined : round(left);
      return;
    }
    this.#emit(source, reason, 1, left);
    if (this.#pending.size >= MAX_KEYS) return;
    const timer = setTimeout(() => this.#flush(key, source, reason), this.windowMs);
    timer.unref();
    this.#pending.set(key, { count: 0, left: undefined, timer });
  }

  /** Writes every count still waiting for its window (at shutdown, before `server-stop`). */
  flushAll(): void {
    for (const key of [...this.#pending.keys()]) {
      const [reason, source] = key.split(' ') as [RefusalReason, string];
      this.#flush(key, source, reason);
    }
  }

  #flush(key: string, source: string, reason: RefusalReason): void {
    const pending = this.#pending.get(key);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.#pending.delete(key);
    if (pending.count > 0) this.#emit(source, reason, pending.count, pending.left);
  }

  #emit(source: string, reason: RefusalReason, count: number, left: number | undefined): void {
    const seconds = left === undefined ? undefined : round(left);
    this.log.log(reason === 'penalty' ? 'info' : 'warn', `refused before SSH: ${reason}`, {
      source,
      count,
      left: seconds,
    });
    this.#write({ event: 'refused', source, reason, count, left: seconds });
  }

  #write(record: Parameters<Audit['record']>[0]): void {
    void this.audit.record(record).catch(() => undefined); // a refusal goes on whether or not the trail takes it
  }
}

function round(seconds: number): number {
  return Math.round(seconds * 10) / 10;
}
