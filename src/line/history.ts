// The line editor's history: lines entered, oldest first, and where Up/Down browsing is. Below the newest entry is
// the line that was being typed when browsing began, kept so that going back down returns to it.

export class History {
  private readonly entries: string[] = [];
  private index = 0;
  private draft: readonly string[] = [];

  constructor(private readonly size: number) {}

  /** Lines entered, oldest first. */
  get lines(): readonly string[] {
    return this.entries;
  }

  /** Remembers an entered line unless it is blank or repeats the previous one; drops the oldest beyond `size`. */
  add(line: string): void {
    if (line.trim() !== '' && line !== this.entries[this.entries.length - 1] && this.size > 0) {
      this.entries.push(line);
      if (this.entries.length > this.size) this.entries.shift();
    }
    this.rewind();
  }

  /** Ends browsing: the next Up starts from the newest line again. */
  rewind(): void {
    [this.index, this.draft] = [this.entries.length, []];
  }

  /** The line one step older (-1) or newer (+1) than the one shown (`current`); undefined past either end. */
  step(current: readonly string[], step: -1 | 1): readonly string[] | undefined {
    const to = this.index + step;
    if (to < 0 || to > this.entries.length) return undefined;
    if (this.index === this.entries.length) this.draft = current;
    this.index = to;
    return to === this.entries.length ? this.draft : Array.from(this.entries[to] ?? '');
  }
}
