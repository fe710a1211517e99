// Frames off a byte stream, for either end: lines of at most `max` bytes, blank ones skipped, each checked by that
// end's parser. A line over the limit is reported once as `too_large` and skipped, so memory stays bounded.
import type { Parsed } from './frames.ts';
import { LineSplitter } from './lines.ts';

/** Turns the bytes one end receives into checked frames: the server decodes client frames, the client server ones. */
export class FrameDecoder<F> {
  readonly #lines: LineSplitter;

  constructor(
    private readonly parse: (line: string) => Parsed<F>,
    private readonly max: number,
  ) {
    this.#lines = new LineSplitter(max);
  }

  /** Feeds bytes; returns the frames they complete (or what is wrong with each), in order. */
  push(chunk: Buffer): Parsed<F>[] {
    const decoded: Parsed<F>[] = [];
    for (const event of this.#lines.push(chunk)) {
      if (event.type === 'too-large') {
        decoded.push({
          ok: false,
          code: 'too_large',
          message: `a frame may be at most ${this.max} bytes; this one was skipped`,
        });
      } else if (event.line.trim() !== '') {
        decoded.push(this.parse(event.line));
      }
    }
    return decoded;
  }
}
