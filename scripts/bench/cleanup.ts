// Everything the bench started, ended in reverse order exactly once: on success, on error, and on Ctrl-C.
export class Cleanup {
  #steps: (() => Promise<void> | void)[] = [];
  #running: Promise<void> | null = null;

  /** Registers a step (stopping a server by PID, removing the scratch folder). */
  add(step: () => Promise<void> | void): void {
    this.#steps.push(step);
  }

  /** Runs every registered step, last first; a failing step does not keep the others from running. */
  run(): Promise<void> {
    this.#running ??= (async () => {
      for (const step of this.#steps.reverse()) {
        try {
          await step();
        } catch (err) {
          process.stderr.write(`bench: cleanup step failed: ${(err as Error).message}\n`);
        }
      }
      this.#steps = [];
      this.#running = null;
    })();
    return this.#running;
  }
}
