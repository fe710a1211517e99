// Unauthenticated connections, as OpenSSH's MaxStartups start:rate:full and PerSourceMaxStartups count them: beyond
// `start` in total a new one is refused with a probability rising from rate% to 100% at `full`, and one source may
// hold at most `perSource` at once, so one party cannot fill what every other source needs. Pure: random passed in.
import type { StartupsLimit } from '../config/types.ts';

/** Whether a new connection is dropped when `count` are already unauthenticated (OpenSSH's should_drop_connection). */
export function shouldDrop(limit: StartupsLimit, count: number, random: () => number = Math.random): boolean {
  if (count < limit.start) return false;
  if (count >= limit.full || limit.rate >= 100) return true;
  const p = limit.rate + ((100 - limit.rate) * (count - limit.start)) / (limit.full - limit.start);
  return random() * 100 < p;
}

/** Why the startups check refused a connection, or null when it may go on. */
export type StartupsRefusal = 'startups' | 'startups-per-source' | 'random-early-drop' | null;

/** Counts the unauthenticated connections of each source and in total. */
export class Startups {
  #bySource = new Map<string, number>();
  #total = 0;

  /** Decides for a new connection from `source`; when admitted it is counted until `release(source)`. */
  admit(source: string, limit: StartupsLimit, perSource: number, random?: () => number): StartupsRefusal {
    if ((this.#bySource.get(source) ?? 0) >= perSource) return 'startups-per-source';
    if (this.#total >= limit.full) return 'startups';
    if (shouldDrop(limit, this.#total, random)) return limit.rate >= 100 ? 'startups' : 'random-early-drop';
    this.#bySource.set(source, (this.#bySource.get(source) ?? 0) + 1);
    this.#total++;
    return null;
  }

  /** The connection authenticated or went away: it no longer counts. */
  release(source: string): void {
    const n = this.#bySource.get(source) ?? 0;
    if (n <= 1) this.#bySource.delete(source);
    else this.#bySource.set(source, n - 1);
    if (n > 0) this.#total--;
  }

  get total(): number {
    return this.#total;
  }

  /** Unauthenticated connections of `source` now. */
  of(source: string): number {
    return this.#bySource.get(source) ?? 0;
  }
}
