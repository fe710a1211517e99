// The interactive shell's line editor: a state machine fed with the bytes the client types, which writes back the echo
// and cursor moves (the client's pty is raw, so newlines are \r\n) and reports whole lines. It knows nothing of SSH.
//
// Lines wider than the terminal scroll horizontally on one row (the view keeps the cursor visible), so the editor
// never depends on how a terminal wraps. After a line (or EOF) the editor waits: input fed meanwhile is kept as
// type-ahead (Ctrl-C aside, which is reported at once), and `prompt()` shows the next prompt and replays it, so a
// pasted script runs one line at a time.
import { LineDispatch, type Outcome } from './dispatch.ts';
import { KeyDecoder, TypeAhead, type Key } from './keys.ts';
import { fitView, formatColumns, promptLayout, textWidth } from './text.ts';

export interface LineEditorOptions {
  /** Plain text, no escape sequences (its width is measured): e.g. 'alice@host$ '. */
  prompt: string;
  /** Terminal width; default 80. */
  columns?: number;
  /** Lines kept for Up/Down; default 500. */
  historySize?: number;
  /** Typing beyond this many UTF-8 bytes rings the bell and is ignored; default 8192. */
  maxLineBytes?: number;
  /** Candidates for the word ending at `cursor` (a UTF-16 index into `line`). */
  complete?: (line: string, cursor: number) => string[];
}

export type EditorEvent = { type: 'line'; line: string } | { type: 'interrupt' } | { type: 'eof' };

export interface EditorState {
  readonly line: string;
  /** UTF-16 index into `line`. */
  readonly cursor: number;
  /** 'waiting' before `start()` and between a line (or EOF) and the next `prompt()`. */
  readonly mode: 'editing' | 'waiting';
}

/** Candidates listed at most on a second Tab. */
const MAX_LISTED = 100;

/** The pty shell's line editor: the key dispatch (dispatch.ts) drawn with escape sequences, plus type-ahead. */
export class LineEditor {
  private readonly decoder = new KeyDecoder();
  /** The line, its history, the search and the Tab state: what keys do, shared with the terminal client. */
  private readonly core: LineDispatch;
  private columns: number;
  private promptText: string;
  private mode: 'editing' | 'waiting' = 'waiting';
  private readonly typeAhead = new TypeAhead();
  private scroll = 0;
  /** The prompt last laid out (the usual one or the search's), as shown (its start cut when too wide). */
  private laidOut = '';
  private shownPrompt = '';
  private room = 1;

  constructor(
    private readonly write: (data: string) => void,
    opts: LineEditorOptions,
  ) {
    this.columns = validColumns(opts.columns);
    this.promptText = opts.prompt;
    const complete = opts.complete;
    this.core = new LineDispatch({
      historySize: opts.historySize,
      maxLineBytes: opts.maxLineBytes,
      // The shell's completion takes the line as a string and a UTF-16 cursor.
      complete: complete && ((chars, cursor) => complete(chars.join(''), chars.slice(0, cursor).join('').length)),
    });
    this.relayout();
  }

  /** Lines entered, oldest first. */
  get history(): readonly string[] {
    return this.core.history;
  }

  /** The line being edited, for tests and for callers that want to keep a half-typed line. */
  get state(): EditorState {
    const { chars, cursor } = this.core.line;
    return { line: chars.join(''), cursor: chars.slice(0, cursor).join('').length, mode: this.mode };
  }

  /** Shows the first prompt; input typed before it is replayed. */
  start(): EditorEvent[] {
    return this.prompt();
  }

  /** Shows a fresh prompt after a command finished (call it with the cursor at the start of a row) and replays the
   * type-ahead, which may complete another line. While already editing, redraws the prompt and line in place. */
  prompt(): EditorEvent[] {
    if (this.mode === 'editing') return (this.redraw(), []);
    this.mode = 'editing';
    this.reset();
    return this.run(this.typeAhead.take());
  }

  /** Processes typed bytes; returns what they completed, in order. */
  feed(data: string | Buffer): EditorEvent[] {
    const keys = this.decoder.push(data);
    return this.mode === 'editing' ? this.run(keys) : this.queue(keys);
  }

  /** Follows a window-change. */
  setColumns(columns: number): void {
    this.columns = validColumns(columns);
    this.relayout();
  }

  /** The prompt for the next line (it may change with the role, after `admin`). */
  setPrompt(prompt: string): void {
    this.promptText = prompt;
    this.relayout();
  }

  /** Writes a message (such as a shutdown notice) on rows of its own without losing the line being edited. */
  notify(text: string): void {
    const rows = `${text.replace(/\r?\n$/, '').replace(/\r?\n/g, '\r\n')}\r\n`;
    if (this.mode === 'waiting') return this.write(rows);
    this.write(`\r\x1b[K${rows}`);
    this.redraw();
  }

  private run(keys: readonly Key[]): EditorEvent[] {
    const events: EditorEvent[] = [];
    for (const [i, key] of keys.entries()) {
      if (this.mode === 'waiting') return events.concat(this.queue(keys.slice(i)));
      const event = this.handle(key);
      if (event) events.push(event);
    }
    return events;
  }

  // Keeps keys typed while waiting, except Ctrl-C, which is reported at once (to stop the command).
  private queue(keys: readonly Key[]): EditorEvent[] {
    return Array.from({ length: this.typeAhead.add(keys) }, () => {
      this.write('^C\r\n');
      return { type: 'interrupt' } as const;
    });
  }

  // Shows what the key did. A Ctrl-R search that began, ended or changed its query first redraws the row under the
  // prompt that now applies (the line as the key left it).
  private handle(key: Key): EditorEvent | undefined {
    const outcome = this.core.key(key);
    const relaid = this.relayoutIfChanged();
    switch (outcome.type) {
      case 'submit':
        this.write('\r\n');
        this.mode = 'waiting';
        return { type: 'line', line: outcome.line };
      case 'interrupt':
        this.write('^C\r\n');
        this.reset();
        return { type: 'interrupt' };
      case 'eof':
        this.write('\r\n');
        this.mode = 'waiting';
        return { type: 'eof' };
      case 'clear-screen':
        this.write('\x1b[H\x1b[2J');
        return this.redraw();
      case 'candidates':
        return this.list(outcome.items);
      case 'changed':
        return relaid ? this.ring(outcome.bell) : this.show(outcome);
      case 'ignored':
        return undefined;
    }
  }

  // Lists the candidates of a second Tab under the line, then draws the line again.
  private list(items: readonly string[]): undefined {
    const shown = formatColumns(items.slice(0, MAX_LISTED), this.columns);
    if (items.length > MAX_LISTED) shown.push(`... and ${items.length - MAX_LISTED} more`);
    this.write(`\r\n${shown.join('\r\n')}\r\n`);
    this.redraw();
  }

  // The echo is enough when the view does not scroll; anything else redraws.
  private show(change: Extract<Outcome, { type: 'changed' }>): undefined {
    const { chars, cursor } = this.core.line;
    const scrolls = fitView(chars, cursor, this.scroll, this.room).scroll !== this.scroll;
    if (change.echo === undefined || scrolls) this.redraw();
    else if (change.echo) this.write(change.echo);
    return this.ring(change.bell);
  }

  private ring(bell: boolean | undefined): undefined {
    if (bell) this.write('\x07');
  }

  // Draws the prompt and the visible part of the line over the current row, and puts the cursor back.
  private redraw(): undefined {
    const { chars, cursor } = this.core.line;
    const view = fitView(chars, cursor, this.scroll, this.room);
    this.scroll = view.scroll;
    const back = textWidth(chars, cursor, view.end);
    const text = chars.slice(view.scroll, view.end).join('');
    this.write(`\r${this.shownPrompt}${text}\x1b[K${back > 0 ? `\x1b[${back}D` : ''}`);
  }

  private reset(): void {
    this.core.clear();
    this.scroll = 0;
    this.redraw();
  }

  private relayoutIfChanged(): boolean {
    if ((this.core.searchPrompt ?? this.promptText) === this.laidOut) return false;
    this.relayout();
    return true;
  }

  private relayout(): void {
    this.laidOut = this.core.searchPrompt ?? this.promptText;
    [this.shownPrompt, this.room] = promptLayout(this.laidOut, this.columns);
    if (this.mode === 'editing') this.redraw();
  }
}

// A window-change may carry 0 columns when the client does not know: keep a sane default.
function validColumns(columns: number | undefined): number {
  return columns !== undefined && Number.isInteger(columns) && columns > 0 ? columns : 80;
}
