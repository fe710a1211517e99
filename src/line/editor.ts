// The interactive shell's line editor: a state machine fed with the bytes the client types, which writes back the echo
// and cursor moves (the client's pty is raw, so newlines are \r\n) and reports whole lines. It knows nothing of SSH.
//
// Lines wider than the terminal scroll horizontally on one row (the view keeps the cursor visible), so the editor
// never depends on how a terminal wraps. After a line (or EOF) the editor waits: input fed meanwhile is kept as
// type-ahead (Ctrl-C aside, which is reported at once), and `prompt()` shows the next prompt and replays it, so a
// pasted script runs one line at a time.
import { KeyDecoder, TypeAhead, type Key } from './keys.ts';
import { fitView, formatColumns, promptLayout, textWidth } from './text.ts';
import { completeWord, editKey, insertText, pastedText, type Edit, type Line } from './edit.ts';
import { History } from './history.ts';
import { ReverseSearch, type SearchAction, type SearchKey } from './search.ts';

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

export class LineEditor {
  private readonly decoder = new KeyDecoder();
  private readonly opts: Required<Omit<LineEditorOptions, 'complete'>> & Pick<LineEditorOptions, 'complete'>;
  private chars: readonly string[] = [];
  private cursor = 0;
  private readonly hist: History;
  private mode: 'editing' | 'waiting' = 'waiting';
  private readonly typeAhead = new TypeAhead();
  private lastWasTab = false;
  private scroll = 0;
  private shownPrompt = '';
  private room = 1;
  /** Ctrl-R: the reverse search under way. */
  private search: ReverseSearch | null = null;

  constructor(
    private readonly write: (data: string) => void,
    opts: LineEditorOptions,
  ) {
    this.opts = {
      ...opts,
      columns: validColumns(opts.columns),
      historySize: checkCount('historySize', opts.historySize ?? 500, 0),
      maxLineBytes: checkCount('maxLineBytes', opts.maxLineBytes ?? 8192, 1),
    };
    this.hist = new History(this.opts.historySize);
    this.relayout();
  }

  /** Lines entered, oldest first. */
  get history(): readonly string[] {
    return this.hist.lines;
  }

  /** The line being edited, for tests and for callers that want to keep a half-typed line. */
  get state(): EditorState {
    return { line: this.chars.join(''), cursor: this.chars.slice(0, this.cursor).join('').length, mode: this.mode };
  }

  private get line(): Line {
    return { chars: this.chars, cursor: this.cursor };
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
    this.opts.columns = validColumns(columns);
    this.relayout();
  }

  setPrompt(prompt: string): void {
    this.opts.prompt = prompt;
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

  private handle(key: Key): EditorEvent | undefined {
    if (this.search) return this.handleSearch(this.search, key);
    const wasTab = this.lastWasTab;
    this.lastWasTab = false;
    const max = this.opts.maxLineBytes;
    if (key.type !== 'key')
      return this.apply(insertText(this.line, key.type === 'paste' ? pastedText(key.text) : key.text, max));
    switch (key.name) {
      case 'enter':
        return this.accept();
      case 'ctrl-c':
        this.write('^C\r\n');
        this.reset();
        return { type: 'interrupt' };
      case 'ctrl-d':
        if (this.chars.length > 0) break;
        this.write('\r\n');
        this.mode = 'waiting';
        return { type: 'eof' };
      case 'ctrl-l':
        this.write('\x1b[H\x1b[2J');
        return this.redraw();
      case 'up':
      case 'ctrl-p':
        return this.recall(-1);
      case 'down':
      case 'ctrl-n':
        return this.recall(1);
      case 'tab':
        this.lastWasTab = true;
        return this.complete(wasTab);
      case 'ctrl-r':
        this.search = new ReverseSearch(this.hist.lines, this.chars);
        return this.showSearch(this.search);
    }
    const edit = editKey(this.line, key.name);
    return edit && this.apply(edit);
  }

  // While searching, keys go to the search (line-editor-search.ts); the key that ends it may then do its usual work.
  private handleSearch(search: ReverseSearch, key: Key): EditorEvent | undefined {
    const step = search.key(searchKeyOf(key));
    if (step.searching) return this.showSearch(search);
    [this.search, this.chars, this.cursor] = [null, step.line.chars, step.line.cursor];
    this.hist.rewind();
    this.relayout(); // back to the usual prompt, redrawn
    return step.replay ? this.handle(key) : undefined;
  }

  private showSearch(search: ReverseSearch): undefined {
    [this.chars, this.cursor] = [search.line.chars, search.line.cursor];
    this.relayout(); // the search prompt, redrawn
  }

  // Ends the line with Enter: reports it, remembers it, and waits for `prompt()`.
  private accept(): EditorEvent {
    const line = this.chars.join('');
    this.hist.add(line);
    this.write('\r\n');
    this.mode = 'waiting';
    return { type: 'line', line };
  }

  // Up (-1) and Down (+1) through history; below the newest entry is the line that was being typed.
  private recall(step: -1 | 1): undefined {
    const chars = this.hist.step(this.chars, step);
    if (!chars) return;
    [this.chars, this.cursor] = [chars, chars.length];
    this.redraw();
  }

  private complete(again: boolean): undefined {
    const { line, cursor } = this.state;
    const candidates = this.opts.complete?.(line, cursor) ?? [];
    const { edit, list } = completeWord(this.line, candidates, again, this.opts.maxLineBytes);
    if (!list) return this.apply(edit);
    const shown = formatColumns(list.slice(0, MAX_LISTED), this.opts.columns);
    if (list.length > MAX_LISTED) shown.push(`... and ${list.length - MAX_LISTED} more`);
    this.write(`\r\n${shown.join('\r\n')}\r\n`);
    this.redraw();
  }

  private apply(edit: Edit): undefined {
    const scrolls = fitView(edit.chars, edit.cursor, this.scroll, this.room).scroll !== this.scroll;
    [this.chars, this.cursor] = [edit.chars, edit.cursor];
    if (edit.echo === undefined || scrolls) this.redraw();
    else if (edit.echo) this.write(edit.echo);
    if (edit.bell) this.write('\x07');
  }

  // Draws the prompt and the visible part of the line over the current row, and puts the cursor back.
  private redraw(): undefined {
    const view = fitView(this.chars, this.cursor, this.scroll, this.room);
    this.scroll = view.scroll;
    const back = textWidth(this.chars, this.cursor, view.end);
    const text = this.chars.slice(view.scroll, view.end).join('');
    this.write(`\r${this.shownPrompt}${text}\x1b[K${back > 0 ? `\x1b[${back}D` : ''}`);
  }

  private reset(): void {
    [this.chars, this.cursor, this.scroll] = [[], 0, 0];
    this.hist.rewind();
    this.redraw();
  }

  private relayout(): void {
    const prompt = this.search?.prompt ?? this.opts.prompt;
    [this.shownPrompt, this.room] = promptLayout(prompt, this.opts.columns);
    if (this.mode === 'editing') this.redraw();
  }
}

const SEARCH_ACTIONS: Readonly<Record<string, SearchAction>> = {
  'ctrl-r': 'older',
  backspace: 'backspace',
  'ctrl-g': 'abort',
};

function searchKeyOf(key: Key): SearchKey {
  if (key.type !== 'key') return { type: 'text', text: key.type === 'paste' ? pastedText(key.text) : key.text };
  return { type: SEARCH_ACTIONS[key.name] ?? 'other' };
}

// A window-change may carry 0 columns when the client does not know: keep a sane default.
function validColumns(columns: number | undefined): number {
  return columns !== undefined && Number.isInteger(columns) && columns > 0 ? columns : 80;
}

function checkCount(name: string, value: number, min: number): number {
  if (Number.isInteger(value) && value >= min) return value;
  throw new RangeError(`Expected the \`${name}\` option to be an integer >= ${min}, got ${String(value)}.`);
}
