// Admin elevation attempts counted per user and per source address across every channel and connection: each wrong
// password makes the next answer wait longer, and after maxAdminFailures within adminLockout the user (or the source)
// is locked out for adminLockout. An attempt counts from the moment it begins, so parallel channels cannot get more
// guesses in than the limit. Pure: the clock is passed in.

/** What the counting needs of the config's limits. */
export interface ElevationPolicy {
  readonly maxAdminFailures: number;
  readonly adminLockoutMs: number;
  readonly adminFailDelayMs: number;
}

export type ElevationStart =
  { readonly ok: true; readonly attempt: ElevationTicket } | { readonly ok: false; readonly reason: string };

/** One attempt under way: exactly one of its methods is called once the answer is known. */
export interface ElevationTicket {
  /** The password was right: the attempt no longer counts, and the user's failures are forgotten. */
  passed(): void;
  /** The password was wrong: how long to wait before answering, and whether this failure locked elevation out. */
  failed(): { readonly delayMs: number; readonly lockedOut: boolean };
  /** No password was given (cancelled): the attempt does not count. */
  cancelled(): void;
}

interface Entry {
  /** When each failure (or attempt under way) in the window began. */
  times: number[];
  lockedUntil: number;
}

/** The delay grows 1x, 2x, 4x ... of adminFailDelay, up to this many times it. */
const MAX_DELAY_FACTOR = 32;
/** Users and sources remembered at most; the oldest is forgotten first. */
const MAX_ENTRIES = 65_536;

export class ElevationAttempts {
  #entries = new Map<string, Entry>();

  constructor(
    private readonly policy: () => ElevationPolicy,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts an attempt by `user` from `source`, or says why elevation is locked out for them now. */
  begin(user: string, source: string): ElevationStart {
    const now = this.now();
    const keys = [`user ${user}`, `source ${source}`];
    const entries = keys.map((key) => this.#entry(key, now));
    const locked = entries.findIndex((e) => e.lockedUntil > now);
    if (locked >= 0) {
      const minutes = Math.ceil((entries[locked]!.lockedUntil - now) / 60_000);
      const who = locked === 0 ? `user ${user}` : `address ${source}`;
      return {
        ok: false,
        reason: `admin elevation is locked for ${who} for ${minutes} more min after wrong passwords`,
      };
    }
    // Attempts under way count as failures until answered, so parallel channels get no more than the limit.
    if (entries.some((e) => e.times.length >= this.policy().maxAdminFailures)) {
      return { ok: false, reason: `admin elevation is locked for user ${user} until earlier attempts are answered` };
    }
    for (const e of entries) e.times.push(now);
    const forget = (e: Entry) => {
      const at = e.times.indexOf(now);
      if (at >= 0) e.times.splice(at, 1);
    };
    return {
      ok: true,
      attempt: {
        passed: () => {
          forget(entries[1]!);
          this.#entries.delete(keys[0]!);
        },
        cancelled: () => entries.forEach(forget),
        failed: () => this.#failed(entries),
      },
    };
  }

  #failed(entries: Entry[]): { delayMs: number; lockedOut: boolean } {
    const { maxAdminFailures, adminLockoutMs, adminFailDelayMs } = this.policy();
    const now = this.now();
    const failures = Math.max(1, ...entries.map((e) => e.times.length));
    const delayMs = adminFailDelayMs * Math.min(MAX_DELAY_FACTOR, 2 ** (failures - 1));
    let lockedOut = false;
    for (const e of entries.filter((x) => x.times.length >= maxAdminFailures)) {
      e.lockedUntil = now + adminLockoutMs;
      e.times = [];
      lockedOut = true;
    }
    return { delayMs, lockedOut };
  }

  // The entry for `key` with failures older than the window dropped, moved to the young end of the map.
  #entry(key: string, now: number): Entry {
    const entry = this.#entries.get(key) ?? { times: [], lockedUntil: 0 };
    const since = now - this.policy().adminLockoutMs;
    entry.times = entry.times.filter((t) => t > since);
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    if (this.#entries.size > MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
    return entry;
  }
}
