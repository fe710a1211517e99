// The output pane: the transcript (OutputLog) drawn into a scrollable box. It follows new output while the view is at
// the bottom, and stays put when the user has scrolled up to read (PgUp, the wheel), like a pager, until End.
import type { Widgets } from 'blessed';
import type { Theme } from './format.ts';
import { OutputLog, type Stream } from './output-log.ts';

/** The transcript and its box; changes are drawn on the next `flush`, so a flood of output costs one redraw a frame. */
export class OutputPane {
  readonly log: OutputLog;
  #dirty = false;

  constructor(
    private readonly box: Widgets.BoxElement,
    theme: Theme,
    private readonly requestRender: () => void,
  ) {
    this.log = new OutputLog(theme);
  }

  /** Adds a chunk of a command's output. */
  write(stream: Stream, chunk: Buffer): void {
    this.log.write(stream, chunk);
    this.#changed();
  }

  /** Adds lines of markup (a command, an exit, a note). */
  add(...markup: string[]): void {
    for (const line of markup) this.log.add(line);
    this.#changed();
  }

  /** Ends the output of the command that ran. */
  endOutput(): void {
    this.log.endOutput();
    this.#changed();
  }

  clear(): void {
    this.log.clear();
    this.box.setContent('');
    this.box.setScroll(0);
    this.requestRender();
  }

  /** Scrolls by whole pages (PgUp -1, PgDn +1). */
  page(direction: -1 | 1): void {
    this.scroll(direction * Math.max(1, this.#visibleRows() - 1));
  }

  /** Scrolls by lines (negative is up). */
  scroll(lines: number): void {
    this.flush();
    this.box.scroll(lines);
    this.requestRender();
  }

  /** Jumps to the newest output and follows it again. */
  toBottom(): void {
    this.flush();
    this.box.setScrollPerc(100);
    this.requestRender();
  }

  toTop(): void {
    this.flush();
    this.box.setScroll(0);
    this.requestRender();
  }

  /** Rows of text below the visible part: 0 while following the output. */
  below(): number {
    return Math.max(0, this.box.getScrollHeight() - this.#visibleRows() - this.box.childBase);
  }

  /** Puts pending changes into the box; called just before the screen is drawn. */
  flush(): void {
    if (!this.#dirty) return;
    this.#dirty = false;
    const follow = this.below() === 0;
    this.box.setContent(this.log.lines().join('\n'));
    if (follow) this.box.setScrollPerc(100);
  }

  #changed(): void {
    this.#dirty = true;
    this.requestRender();
  }

  #visibleRows(): number {
    return Math.max(1, (this.box.height as number) - (this.box.iheight as number));
  }
}
