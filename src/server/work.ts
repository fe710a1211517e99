// Work in progress that a shutdown waits for, as Go's sync.WaitGroup, with a deadline: waiting is a promise, not a poll.

export class WorkGroup {
  #count = 0;
  #waiters = new Set<() => void>();

  /** Pieces of work in progress now. */
  get size(): number {
    return this.#count;
  }

  /** Counts one piece of work until the returned function is called (calling it again does nothing). */
  begin(): () => void {
    this.#count++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      // Waiters wake after the current turn, so that what follows the work in its own promise chain (sending the
      // exit status after a `shutdown` line) happens before a drain closes the connection.
      if (--this.#count === 0) setImmediate(() => this.#count === 0 && [...this.#waiters].forEach((wake) => wake()));
    };
  }

  /** Resolves true once nothing is in progress, or false when `deadlineMs` passes first. */
  idle(deadlineMs: number): Promise<boolean> {
    if (this.#count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const finish = (idle: boolean) => {
        clearTimeout(timer);
        this.#waiters.delete(wake);
        resolve(idle);
      };
      const wake = () => finish(true);
      const timer = setTimeout(() => finish(false), deadlineMs);
      this.#waiters.add(wake);
    });
  }
}

/** Waits until every group is idle at the same time, or the deadline passes; true when they all are. */
export async function allIdle(groups: readonly WorkGroup[], deadlineMs: number): Promise<boolean> {
  const deadline = Date.now() + deadlineMs;
  // One group going idle may be followed by work that another one starts (a command's exit record, then the
  // connection's disconnect): check them all again after each wait.
  for (;;) {
    const busy = groups.find((g) => g.size > 0);
    if (busy === undefined) return true;
    const left = deadline - Date.now();
    if (left <= 0 || !(await busy.idle(left))) return false;
  }
}
