// One session's view of the audit trail, so that one user cannot flood it: identical refusals within an interval are
// written once and then counted (one `refusals-coalesced` record with the exact count when the interval ends or the
// session does), and a session that causes more than its budget of audit bytes per minute is ended, and audited.
import { toLine, type Audit } from './audit.ts';
import type { AuditEvent, Via } from './events.ts';

export interface SessionAuditOptions {
  readonly session: string;
  readonly user: string;
  /** Aborted when the session ends: the counts still pending are written then, before its disconnect record. */
  readonly signal: AbortSignal;
  /** Audit bytes per minute the session may cause (0: no budget); read on each record, so a reload applies. */
  readonly bytesPerMinute: () => number;
  /** Ends the session with a notice saying why. */
  readonly end: (reason: string) => void;
  /** How long identical refusals are counted before their count is written. */
  readonly intervalMs?: number;
}

type CommandEvent = Extract<AuditEvent, { event: 'command' }>;

interface Run {
  readonly reason: string;
  readonly code: number | undefined;
  readonly via: Via;
  count: number;
  first: string;
  last: string;
  readonly timer: NodeJS.Timeout;
}

const MINUTE_MS = 60_000;
export const COALESCE_INTERVAL_MS = 10_000;

/** Coalesces a session's repeated refusals and holds it to its audit budget; everything else passes through. */
export class SessionAudit implements Audit {
  readonly #runs = new Map<string, Run>();
  readonly #intervalMs: number;
  /** Bytes the session may still write now: refilled at the budget's rate, at most one minute's worth. */
  #allowance: number;
  #refilledAt = Date.now();
  #overBudget = false;

  constructor(
    private readonly inner: Audit,
    private readonly options: SessionAuditOptions,
  ) {
    this.#intervalMs = options.intervalMs ?? COALESCE_INTERVAL_MS;
    this.#allowance = options.bytesPerMinute();
    options.signal.addEventListener('abort', () => this.#flushAll(), { once: true });
  }

  get failure(): Error | null {
    return this.inner.failure;
  }

  record(event: AuditEvent): Promise<void> {
    if (isRefusal(event) && !this.options.signal.aborted) {
      const key = `${event.via}\u0000${event.code}\u0000${event.reason}`;
      const run = this.#runs.get(key);
      if (run) {
        run.count++;
        run.last = new Date().toISOString();
        if (run.count === 1) run.first = run.last;
        return Promise.resolve();
      }
      const timer = setTimeout(() => this.#flush(key), this.#intervalMs).unref();
      this.#runs.set(key, {
        reason: event.reason!,
        code: event.code,
        via: event.via,
        count: 0,
        first: '',
        last: '',
        timer,
      });
    }
    return this.#write(event);
  }

  async close(): Promise<void> {
    this.#flushAll();
  }

  // Writes through to the trail, spending the session's allowance; past it, ends the session (once), and says so.
  #write(event: AuditEvent): Promise<void> {
    const written = this.inner.record(event);
    const budget = this.options.bytesPerMinute();
    if (budget <= 0 || this.#overBudget) return written;
    const now = Date.now();
    this.#allowance = Math.min(budget, this.#allowance + ((now - this.#refilledAt) * budget) / MINUTE_MS);
    this.#refilledAt = now;
    this.#allowance -= Buffer.byteLength(toLine(event));
    if (this.#allowance < 0) this.#exceeded(budget);
    return written;
  }

  #exceeded(budget: number): void {
    this.#overBudget = true;
    const { session, user } = this.options;
    const reason = `it wrote more than ${budget} bytes of audit records in a minute (limits.auditBytesPerMinute)`;
    void this.inner.record({ event: 'audit-budget', session, user, bytesPerMinute: budget }).catch(() => undefined);
    this.options.end(reason);
  }

  #flush(key: string): void {
    const run = this.#runs.get(key);
    if (!run) return;
    this.#runs.delete(key);
    clearTimeout(run.timer);
    if (run.count === 0) return;
    const { session, user } = this.options;
    const { reason, code, via, count, first, last } = run;
    const record = { event: 'refusals-coalesced', session, user, via, reason, code, count, first, last } as const;
    void this.#write(record).catch(() => undefined); // a failure shows in audit.failure, as for the refusals themselves
  }

  #flushAll(): void {
    for (const key of [...this.#runs.keys()]) this.#flush(key);
  }
}

function isRefusal(event: AuditEvent): event is CommandEvent {
  return event.event === 'command' && !event.allowed && event.reason !== undefined;
}

const perSession = new WeakMap<object, SessionAudit>();

/** The one SessionAudit of `owner` (a live session, shared by its channels), made by `make` on first use. */
export function sessionAuditOf(owner: object, make: () => SessionAudit): SessionAudit {
  let audit = perSession.get(owner);
  if (!audit) perSession.set(owner, (audit = make()));
  return audit;
}
