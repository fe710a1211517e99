// The input line: the pty shell's own pure editing (src/shell/line-editor-*.ts: keys, history, completion, the
// scrolled view of a long line) drawn into a one-row box, with the terminal's cursor placed where the user types.
import type { Widgets } from 'blessed';
import { completeWord, editKey, insertText, type Line } from '../../line/edit.ts';
import { History } from '../../line/history.ts';
import { ReverseSearch, type SearchAction, type SearchKey } from '../../line/search.ts';
import { fitView, promptLayout, textWidth } from '../../line/text.ts';
import { DEFAULT_MAX_LINE_BYTES } from '../../line/tokenize.ts';
import { escapeTags, paint, type Theme } from './format.ts';
import { HISTORY_SIZE } from './history-store.ts';
import { editKeyName, typedText, type KeyEvent } from './keys.ts';

export type InputEvent =
  | { type: 'submit'; line: string }
  /** Ctrl-D on an empty line. */
  | { type: 'eof' }
  | { type: 'interrupt' }
  /** A second Tab with several candidates: show them. */
  | { type: 'candidates'; items: string[] }
  | { type: 'handled' }
  | { type: 'ignored' };

export type Candidates = (chars: readonly string[], cursor: number) => string[];

/** The line being typed, its history and its box. */
export class InputLine {
  readonly history = new History(HISTORY_SIZE);
  prompt = '> ';
  #line: Line = { chars: [], cursor: 0 };
  #scroll = 0;
  #tabbed = false;
  /** Ctrl-R: the reverse search under way. */
  #search: ReverseSearch | null = null;

  constructor(
    private readonly box: Widgets.BoxElement,
    private readonly theme: Theme,
    private readonly candidates: Candidates,
    saved: readonly string[] = [],
  ) {
    for (const line of saved) this.history.add(line);
  }

  /** The text typed so far. */
  get text(): string {
    return this.#line.chars.join('');
  }

  /** Handles one key; says what the app should do about it. */
  handleKey(ch: string | undefined, key: KeyEvent): InputEvent {
    if (this.#search) return this.#searchKey(this.#search, ch, key);
    const tabbed = this.#tabbed;
    this.#tabbed = key.full === 'tab';
    switch (key.full) {
      case 'enter':
      case 'linefeed':
        return this.#submit();
      case 'C-c':
        return { type: 'interrupt' };
      case 'C-d':
        return this.#line.chars.length === 0 ? { type: 'eof' } : this.#edit('delete');
      case 'up':
      case 'C-p':
        return this.#recall(-1);
      case 'down':
      case 'C-n':
        return this.#recall(1);
      case 'tab':
        return this.#complete(tabbed);
      case 'C-r':
        this.#search = new ReverseSearch(this.history.lines, this.#line.chars);
        this.#line = this.#search.line;
        return { type: 'handled' };
    }
    const name = editKeyName(key);
    if (name !== undefined) return this.#edit(name);
    const text = typedText(ch, key);
    if (text === undefined) return { type: 'ignored' };
    this.#line = insertText(this.#line, text, DEFAULT_MAX_LINE_BYTES);
    return { type: 'handled' };
  }

  /** Whether a Ctrl-R search is under way (the status bar may say so). */
  get searching(): boolean {
    return this.#search !== null;
  }

  /** Empties the line (Ctrl-C with nothing running). */
  clear(): void {
    this.#line = { chars: [], cursor: 0 };
    this.#search = null;
    this.history.rewind();
  }

  /** Draws the prompt and the visible part of the line; returns the cursor's column within the box. */
  render(): number {
    const columns = Math.max(2, this.box.width as number);
    const [prompt, room] = promptLayout(this.#search?.prompt ?? this.prompt, columns);
    const { chars, cursor } = this.#line;
    const view = fitView(chars, cursor, this.#scroll, room);
    this.#scroll = view.scroll;
    const shown = escapeTags(chars.slice(view.scroll, view.end).join(''));
    this.box.setContent(`${paint(escapeTags(prompt), 'prompt', this.theme)}${shown}`);
    return textWidth(Array.from(prompt)) + textWidth(chars, view.scroll, cursor);
  }

  // While searching, keys go to the search (src/shell/line-editor-search.ts, as in the pty shell); the key that ends
  // it may then do its usual work.
  #searchKey(search: ReverseSearch, ch: string | undefined, key: KeyEvent): InputEvent {
    const step = search.key(searchKeyOf(ch, key));
    if (step.searching) {
      this.#line = search.line;
      return { type: 'handled' };
    }
    this.#search = null;
    this.#line = step.line;
    this.history.rewind();
    return step.replay ? this.handleKey(ch, key) : { type: 'handled' };
  }

  #submit(): InputEvent {
    const line = this.text;
    if (!line.startsWith(' ')) this.history.add(line);
    else this.history.rewind();
    this.#line = { chars: [], cursor: 0 };
    return { type: 'submit', line };
  }

  #edit(name: string): InputEvent {
    const edit = editKey(this.#line, name);
    if (edit === undefined) return { type: 'ignored' };
    this.#line = { chars: edit.chars, cursor: edit.cursor };
    return { type: 'handled' };
  }

  #recall(step: -1 | 1): InputEvent {
    const chars = this.history.step(this.#line.chars, step);
    if (chars !== undefined) this.#line = { chars: [...chars], cursor: chars.length };
    return { type: 'handled' };
  }

  #complete(again: boolean): InputEvent {
    const { chars, cursor } = this.#line;
    const { edit, list } = completeWord(this.#line, this.candidates(chars, cursor), again, DEFAULT_MAX_LINE_BYTES);
    let next: Line = { chars: edit.chars, cursor: edit.cursor };
    // A completed directory keeps the cursor right after its slash, ready for the rest of the path.
    if (next.cursor > cursor && next.chars[next.cursor - 1] === ' ' && next.chars[next.cursor - 2] === '/') {
      next = editKey(next, 'backspace') ?? next;
    }
    this.#line = next;
    return list ? { type: 'candidates', items: list } : { type: 'handled' };
  }
}

const SEARCH_ACTIONS: Readonly<Record<string, SearchAction>> = {
  'C-r': 'older',
  backspace: 'backspace',
  'C-g': 'abort',
};

function searchKeyOf(ch: string | undefined, key: KeyEvent): SearchKey {
  const action = SEARCH_ACTIONS[key.full];
  if (action !== undefined) return { type: action };
  const text = editKeyName(key) === undefined ? typedText(ch, key) : undefined;
  return text === undefined ? { type: 'other' } : { type: 'text', text };
}
