// The input line: the key dispatch that the pty shell drives too (src/line/dispatch.ts: editing, history, Ctrl-R,
// completion) drawn into a one-row box, with the scrolled view of a long line and the terminal's cursor placed where
// the user types.
import type { Widgets } from 'blessed';
import { LineDispatch, type Outcome } from '../../line/dispatch.ts';
import { fitView, promptLayout, textWidth } from '../../line/text.ts';
import { DEFAULT_MAX_LINE_BYTES } from '../../line/tokenize.ts';
import { escapeTags, paint, type Theme } from './format.ts';
import { HISTORY_SIZE } from './history-store.ts';
import { lineKey, type KeyEvent } from './keys.ts';

/** What a key did: a line to run, Ctrl-C, Ctrl-D on an empty line, candidates to list; the rest needs a redraw only. */
export type InputEvent = Outcome;

export type Candidates = (chars: readonly string[], cursor: number) => string[];

/** The line being typed, its history and its box. */
export class InputLine {
  prompt = '> ';
  readonly #core: LineDispatch;
  #scroll = 0;

  constructor(
    private readonly box: Widgets.BoxElement,
    private readonly theme: Theme,
    candidates: Candidates,
    saved: readonly string[] = [],
  ) {
    this.#core = new LineDispatch({
      historySize: HISTORY_SIZE,
      maxLineBytes: DEFAULT_MAX_LINE_BYTES,
      complete: candidates,
      saved,
      // As bash's ignorespace: a line typed with a leading space is kept out of history (and out of the file).
      ignoreSpace: true,
      // Completion offers path roots: a completed directory waits for the rest of the path.
      openDirectories: true,
    });
  }

  /** The text typed so far. */
  get text(): string {
    return this.#core.text;
  }

  /** Lines entered, oldest first. */
  get history(): readonly string[] {
    return this.#core.history;
  }

  /** Handles one key; says what the app should do about it. A submitted line leaves the input empty at once. */
  handleKey(ch: string | undefined, key: KeyEvent): InputEvent {
    const event = this.#core.key(lineKey(ch, key));
    if (event.type === 'submit') this.#core.clear();
    return event;
  }

  /** Whether a Ctrl-R search is under way (the status bar may say so). */
  get searching(): boolean {
    return this.#core.searchPrompt !== null;
  }

  /** Empties the line (Ctrl-C with nothing running). */
  clear(): void {
    this.#core.clear();
  }

  /** Draws the prompt and the visible part of the line; returns the cursor's column within the box. */
  render(): number {
    const columns = Math.max(2, this.box.width as number);
    const [prompt, room] = promptLayout(this.#core.searchPrompt ?? this.prompt, columns);
    const { chars, cursor } = this.#core.line;
    const view = fitView(chars, cursor, this.#scroll, room);
    this.#scroll = view.scroll;
    const shown = escapeTags(chars.slice(view.scroll, view.end).join(''));
    this.box.setContent(`${paint(escapeTags(prompt), 'prompt', this.theme)}${shown}`);
    return textWidth(Array.from(prompt)) + textWidth(chars, view.scroll, cursor);
  }
}
