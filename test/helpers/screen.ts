// Collects what a terminal client prints and waits for text to appear: tests wait on output, never on time.
import type { Readable } from 'node:stream';

// Strips ANSI escape sequences and carriage returns so tests can match on visible text.
export function visible(text: string): string {
  return text
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
    .replace(/\x1b[()][A-Z0-9]/g, '')
    .replace(/\r/g, '');
}

export class Screen {
  #text = '';
  #waiters: { pattern: RegExp | string; from: number; resolve: (text: string) => void }[] = [];

  constructor(...streams: Readable[]) {
    for (const stream of streams) stream.on('data', (d: Buffer) => this.#add(d.toString('utf8')));
  }

  get text(): string {
    return visible(this.#text);
  }

  /** Where the next waitFor should start looking, so that old output does not satisfy a new wait. */
  mark(): number {
    return this.text.length;
  }

  /** Resolves with the visible text once `pattern` appears after position `from`. */
  waitFor(pattern: RegExp | string, from = 0): Promise<string> {
    return new Promise((resolve) => {
      this.#waiters.push({ pattern, from, resolve });
      this.#check();
    });
  }

  #add(chunk: string): void {
    this.#text += chunk;
    this.#check();
  }

  #check(): void {
    const text = this.text;
    this.#waiters = this.#waiters.filter((w) => {
      const rest = text.slice(w.from);
      const hit = typeof w.pattern === 'string' ? rest.includes(w.pattern) : w.pattern.test(rest);
      if (hit) w.resolve(text);
      return !hit;
    });
  }
}
