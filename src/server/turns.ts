// One expensive check at a time per source: password checks (scrypt, on libuv's few threads) from one source wait for
// each other, so that a source guessing on ten connections at once cannot queue ahead of another source's login.
// The queue of a source is bounded by its unauthenticated connections (one auth request in flight each).

/** Per-source turns: `take(source)` resolves when it is that caller's turn, with the function that ends it. */
export class Turns {
  #queues = new Map<string, (() => void)[]>();

  /** Waits for `source`'s turn; call the returned function when the check is done. */
  take(source: string): Promise<() => void> {
    return new Promise((resolve) => {
      const queue = this.#queues.get(source);
      const start = () => {
        let ended = false;
        resolve(() => void (ended || ((ended = true), this.#next(source))));
      };
      if (queue) queue.push(start);
      else {
        this.#queues.set(source, []);
        start();
      }
    });
  }

  // The turn of `source` ended: the next in its queue goes, or the source is forgotten.
  #next(source: string): void {
    const queue = this.#queues.get(source);
    const next = queue?.shift();
    if (next) next();
    else this.#queues.delete(source);
  }
}
