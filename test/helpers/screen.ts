// Collects what a terminal client prints and waits for text to appear: tests wait on output, never on time.
import type { Readable } from 'node:stream';

// Strips ANSI escape sequences and carriage returns so tests can match on visible text.
export function visible(text: string): string {
  return text
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
    .replace(/\x1b[()][A-Z0-9]/g, '')
    .replace(/\r/g, '');
}

interface Waiter {
  pattern: RegExp | string;
  from: number;
  resolve: (text: string) => void;
  reject: (err: Error) => void;
}

export class Screen {
  #text = '';
  #waiters: Waiter[] = [];
  /** Streams that may still print: once none may, a wait that has not matched fails instead of hanging. */
  #open: number;

  constructor(...streams: Readable[]) {
    this.#open = streams.length;
    for (const stream of streams) {
      stream.on('data', (d: Buffer) => this.#add(d.toString('utf8')));
      stream.once('close', () => {
        this.#open--;
        this.#check();
      });
    }
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
    return new Promise((resolve, reject) => {
      this.#waiters.push({ pattern, from, resolve, reject });
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
      else if (this.#open === 0)
        w.reject(new Error(`the output ended without ${String(w.pattern)}:\n${rest.slice(-2000)}`));
      return !hit && this.#open > 0;
    });
  }
}
