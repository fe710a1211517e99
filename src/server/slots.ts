// Counts of work in progress per key (a user, a connection) against a limit: taking a slot either succeeds with a
// release function or is refused with the one-line reason given.
import type { Admission } from '../shell/control.ts';

export class Slots {
  #used = new Map<string, number>();

  /** Takes a slot for `key` when fewer than `max` are in use; the release may be called more than once. */
  take(key: string, max: number, refusal: () => string): Admission {
    const used = this.#used.get(key) ?? 0;
    if (used >= max) return { ok: false, reason: refusal() };
    this.#used.set(key, used + 1);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        const left = (this.#used.get(key) ?? 1) - 1;
        if (left > 0) this.#used.set(key, left);
        else this.#used.delete(key);
      },
    };
  }

  /** Slots in use for `key` now. */
  used(key: string): number {
    return this.#used.get(key) ?? 0;
  }
}
