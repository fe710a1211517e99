// Splits a byte stream into lines of at most `max` bytes. A longer line is reported once and skipped to its end,
// so one oversized frame costs the client an error, never the connection, and never unbounded memory.

export type LineEvent = { type: 'line'; line: string } | { type: 'too-large'; bytes: number };

export class LineSplitter {
  #parts: Buffer[] = [];
  #size = 0;
  #skipping = false;

  constructor(private readonly max: number) {}

  /** Feeds bytes; returns the complete lines (and oversize reports) they finish. */
  push(chunk: Buffer): LineEvent[] {
    const events: LineEvent[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl >= 0; nl = chunk.indexOf(0x0a, start)) {
      this.#take(chunk.subarray(start, nl), events);
      if (!this.#skipping)
        events.push({ type: 'line', line: Buffer.concat(this.#parts).toString('utf8').replace(/\r$/, '') });
      this.#reset();
      start = nl + 1;
    }
    this.#take(chunk.subarray(start), events);
    return events;
  }

  #take(part: Buffer, events: LineEvent[]): void {
    if (this.#skipping || part.length === 0) return;
    if (this.#size + part.length > this.max) {
      events.push({ type: 'too-large', bytes: this.#size + part.length });
      this.#skipping = true;
      this.#parts = [];
      return;
    }
    this.#parts.push(part);
    this.#size += part.length;
  }

  #reset(): void {
    this.#parts = [];
    this.#size = 0;
    this.#skipping = false;
  }
}
