// The transcript shown in the output pane, as lines of blessed markup: commands, their output as it arrives (split
// into lines across chunks, UTF-8 kept whole), exits and notes. Bounded, so a long session cannot grow without end.
import { StringDecoder } from 'node:string_decoder';
import { outputLine, sanitize, type Theme } from './format.ts';

export type Stream = 'stdout' | 'stderr';

const DEFAULT_MAX_LINES = 5000;
// An escape sequence that has begun but not ended at the end of the text (a CSI without its final byte, an OSC without
// its terminator); bounded, so a stray ESC cannot hold back the output for ever.
const UNFINISHED_ESCAPE = /\x1b(?:\[[0-?]{0,32}[ -/]{0,4}|\][^\x07\x1b]{0,512})?$/;

/** Lines of markup, with the unfinished last line of each output stream kept apart until its newline arrives. */
export class OutputLog {
  #lines: string[] = [];
  #partial: Record<Stream, string> = { stdout: '', stderr: '' };
  #decoders: Record<Stream, StringDecoder> = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  #dropped = 0;
  /** An escape sequence cut off at the end of a chunk, kept until the rest arrives so it can be removed whole. */
  #held: Record<Stream, string> = { stdout: '', stderr: '' };

  constructor(
    private readonly theme: Theme,
    private readonly maxLines = DEFAULT_MAX_LINES,
  ) {}

  /** Adds a chunk of a command's output; complete lines become transcript lines at once. */
  write(stream: Stream, chunk: Buffer | string): void {
    const decoded = this.#held[stream] + (typeof chunk === 'string' ? chunk : this.#decoders[stream].write(chunk));
    const cut = UNFINISHED_ESCAPE.exec(decoded)?.index ?? decoded.length;
    this.#held[stream] = decoded.slice(cut);
    const parts = sanitize(decoded.slice(0, cut)).replace(/\r\n/g, '\n').split('\n');
    parts[0] = this.#partial[stream] + (parts[0] ?? '');
    const last = parts.pop() ?? '';
    // A carriage return (a progress bar) starts the line over: only what follows the last one is shown.
    for (const part of parts) this.#push(outputLine(overwrite(part), stream, this.theme));
    this.#partial[stream] = overwrite(last);
  }

  /** Ends a command's output: unfinished lines are shown as they are. */
  endOutput(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.#partial[stream] + sanitize(this.#held[stream] + this.#decoders[stream].end());
      this.#partial[stream] = '';
      this.#held[stream] = '';
      if (rest !== '') this.#push(outputLine(rest, stream, this.theme));
    }
  }

  /** Adds a line of markup made by format.ts (a command, an exit, a note). */
  add(markup: string): void {
    this.endOutput();
    this.#push(markup);
  }

  /** Forgets everything shown so far (Ctrl-L, `clear`). */
  clear(): void {
    this.#lines = [];
    this.#partial = { stdout: '', stderr: '' };
    this.#held = { stdout: '', stderr: '' };
  }

  /** The markup lines, unfinished output last. */
  lines(): string[] {
    const open = (['stdout', 'stderr'] as const)
      .filter((s) => this.#partial[s] !== '')
      .map((s) => outputLine(this.#partial[s], s, this.theme));
    return [...this.#lines, ...open];
  }

  /** How many of the oldest lines were dropped to stay within the bound. */
  get dropped(): number {
    return this.#dropped;
  }

  #push(line: string): void {
    this.#lines.push(line);
    const over = this.#lines.length - this.maxLines;
    if (over > 0) {
      this.#lines.splice(0, over);
      this.#dropped += over;
    }
  }
}

function overwrite(text: string): string {
  const at = text.lastIndexOf('\r');
  return at < 0 ? text : text.slice(at + 1);
}
