// The output pane: the transcript (OutputLog) drawn into a scrollable box. It follows new output while the view is at
// the bottom, and stays put when the user has scrolled up to read (PgUp, the wheel), like a pager, until End.
import type { Widgets } from 'blessed';
import type { Theme } from './format.ts';
import { OutputLog, type Stream } from './output-log.ts';

/** The transcript and its box; changes are drawn on the next `flush`, so a flood of output costs one redraw a frame. */
export class OutputPane {
  readonly log: OutputLog;
  #dirty = false;
  /** Whether the view keeps to the newest output: true until the user scrolls up, again once back at the bottom. */
  #follow = true;

  constructor(
    private readonly box: Widgets.BoxElement,
    theme: Theme,
    private readonly requestRender: () => void,
  ) {
    this.log = new OutputLog(theme);
    // Every scroll, the wheel's included, decides whether new output should keep the view at the bottom.
    box.on('scroll', () => (this.#follow = this.below() === 0));
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

  /** Puts pending changes into the box and keeps a following view at the bottom; called before each draw. */
  flush(): void {
    if (this.#dirty) this.box.setContent(this.log.lines().join('\n'));
    this.#dirty = false;
    if (!this.#follow) return;
    // The width may have changed (resize, the panel): wrap for it now, or the bottom would be measured on old lines.
    (this.box as unknown as { parseContent(): void }).parseContent();
    this.box.setScrollPerc(100);
  }

  #changed(): void {
    this.#dirty = true;
    this.requestRender();
  }

  #visibleRows(): number {
    return Math.max(1, (this.box.height as number) - (this.box.iheight as number));
  }
}
