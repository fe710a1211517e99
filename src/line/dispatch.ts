// The key dispatch that the pty shell's editor and the terminal client share: the line being typed, its history, the
// Ctrl-R search and the Tab state, fed one canonical key (as keys.ts names them) at a time, saying what happened.
// Drawing is the driver's: the pty editor writes escape sequences, the client fills a blessed box. Pure.
import { completeWord, editKey, insertText, pastedText, type Edit, type Line } from './edit.ts';
import { History } from './history.ts';
import type { Key } from './keys.ts';
import { ReverseSearch, type SearchAction, type SearchKey } from './search.ts';
import { DEFAULT_MAX_LINE_BYTES } from './tokenize.ts';

export interface DispatchOptions {
  /** Lines kept for Up/Down; default 500. */
  historySize?: number;
  /** Typing beyond this many UTF-8 bytes rings the bell and is ignored; default DEFAULT_MAX_LINE_BYTES. */
  maxLineBytes?: number;
  /** Candidates for the word ending at `cursor` (an index into `chars`, code points). */
  complete?: (chars: readonly string[], cursor: number) => string[];
  /** Lines remembered from earlier sessions, oldest first. */
  saved?: readonly string[];
  /** A line typed with a leading space is not remembered (bash's HISTCONTROL=ignorespace): the client's choice. */
  ignoreSpace?: boolean;
  /** A completed directory (a word ending in '/') keeps the cursor right after its slash, ready for the rest of the
   * path, instead of getting a space: the client's choice, whose completion offers path roots. */
  openDirectories?: boolean;
}

/** What one key did. After `submit` the line stays as it was until `clear()`: the pty shows it while the command runs. */
export type Outcome =
  | { readonly type: 'submit'; readonly line: string }
  /** Ctrl-C; the line is left for the driver to clear (the client keeps it when Ctrl-C stops a command). */
  | { readonly type: 'interrupt' }
  /** Ctrl-D on an empty line. */
  | { readonly type: 'eof' }
  /** A second Tab in a row with several candidates: show them. */
  | { readonly type: 'candidates'; readonly items: string[] }
  /** The line, the cursor or the prompt changed. `echo`, when present, is all it takes to show it if the view does not
   * scroll (see edit.ts); otherwise redraw. `bell`: part of the input was refused. */
  | { readonly type: 'changed'; readonly echo?: string; readonly bell?: boolean }
  /** Ctrl-L. */
  | { readonly type: 'clear-screen' }
  | { readonly type: 'ignored' };

const CHANGED: Outcome = { type: 'changed' };
const IGNORED: Outcome = { type: 'ignored' };

/** The line being edited and what each key does to it. */
export class LineDispatch {
  readonly #history: History;
  readonly #max: number;
  readonly #opts: DispatchOptions;
  #line: Line = { chars: [], cursor: 0 };
  #tabbed = false;
  /** Ctrl-R: the reverse search under way. */
  #search: ReverseSearch | null = null;

  constructor(opts: DispatchOptions = {}) {
    this.#opts = opts;
    this.#history = new History(checkCount('historySize', opts.historySize ?? 500, 0));
    this.#max = checkCount('maxLineBytes', opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES, 1);
    for (const line of opts.saved ?? []) this.#history.add(line);
  }

  /** The line and cursor (code points). */
  get line(): Line {
    return this.#line;
  }

  /** The line as text. */
  get text(): string {
    return this.#line.chars.join('');
  }

  /** Lines entered, oldest first. */
  get history(): readonly string[] {
    return this.#history.lines;
  }

  /** The prompt to show instead of the usual one while a Ctrl-R search is under way, else null. */
  get searchPrompt(): string | null {
    return this.#search?.prompt ?? null;
  }

  /** Starts a fresh line: after a submitted line, or Ctrl-C with nothing running. Ends a search and history browsing. */
  clear(): void {
    [this.#line, this.#search] = [{ chars: [], cursor: 0 }, null];
    this.#history.rewind();
  }

  /** Does what one key does; says what happened. */
  key(key: Key): Outcome {
    if (this.#search) return this.#searchKey(this.#search, key);
    const again = this.#tabbed;
    this.#tabbed = key.type === 'key' && key.name === 'tab';
    if (key.type !== 'key') return this.#apply(insertText(this.#line, typed(key), this.#max));
    switch (key.name) {
      case 'enter':
        return this.#submit();
      case 'ctrl-c':
        return { type: 'interrupt' };
      case 'ctrl-d':
        if (this.#line.chars.length === 0) return { type: 'eof' };
        break; // on a non-empty line it deletes, below
      case 'ctrl-l':
        return { type: 'clear-screen' };
      case 'up':
      case 'ctrl-p':
        return this.#recall(-1);
      case 'down':
      case 'ctrl-n':
        return this.#recall(1);
      case 'tab':
        return this.#complete(again);
      case 'ctrl-r':
        this.#search = new ReverseSearch(this.#history.lines, this.#line.chars);
        this.#line = this.#search.line;
        return CHANGED;
    }
    const edit = editKey(this.#line, key.name);
    return edit ? this.#apply(edit) : IGNORED;
  }

  // While searching, keys go to the search (search.ts); the key that ends it may then do its usual work.
  #searchKey(search: ReverseSearch, key: Key): Outcome {
    const step = search.key(searchKeyOf(key));
    if (step.searching) {
      this.#line = search.line;
      return CHANGED;
    }
    [this.#search, this.#line] = [null, step.line];
    this.#history.rewind();
    if (!step.replay) return CHANGED;
    const then = this.key(key);
    // The search's end changed the prompt and the line: an echo of what the key did next would not show that.
    if (then.type === 'ignored') return CHANGED;
    if (then.type === 'changed') return then.bell ? { type: 'changed', bell: true } : CHANGED;
    return then;
  }

  #submit(): Outcome {
    const line = this.text;
    if (this.#opts.ignoreSpace && line.startsWith(' ')) this.#history.rewind();
    else this.#history.add(line);
    return { type: 'submit', line };
  }

  // Up (-1) and Down (+1) through history; below the newest entry is the line that was being typed.
  #recall(step: -1 | 1): Outcome {
    const chars = this.#history.step(this.#line.chars, step);
    if (chars === undefined) return IGNORED;
    this.#line = { chars: [...chars], cursor: chars.length };
    return CHANGED;
  }

  #complete(again: boolean): Outcome {
    const before = this.#line;
    const candidates = this.#opts.complete?.(before.chars, before.cursor) ?? [];
    const { edit, list } = completeWord(before, candidates, again, this.#max);
    if (list) return { type: 'candidates', items: list };
    if (this.#opts.openDirectories && completedDirectory(before, edit))
      return this.#apply(editKey(edit, 'backspace') ?? edit);
    return this.#apply(edit);
  }

  #apply(edit: Edit): Outcome {
    this.#line = { chars: edit.chars, cursor: edit.cursor };
    return {
      type: 'changed',
      ...(edit.echo === undefined ? {} : { echo: edit.echo }),
      ...(edit.bell ? { bell: true } : {}),
    };
  }
}

// Completion added text ending in '/ ': a directory, with the space that a finished word gets.
function completedDirectory(before: Line, after: Line): boolean {
  const { chars, cursor } = after;
  return cursor > before.cursor && chars[cursor - 1] === ' ' && chars[cursor - 2] === '/';
}

// Pasted text is typed as text, less its tabs and controls (edit.ts).
function typed(key: Extract<Key, { type: 'text' | 'paste' }>): string {
  return key.type === 'paste' ? pastedText(key.text) : key.text;
}

const SEARCH_ACTIONS: Readonly<Record<string, SearchAction>> = {
  'ctrl-r': 'older',
  backspace: 'backspace',
  'ctrl-g': 'abort',
};

function searchKeyOf(key: Key): SearchKey {
  if (key.type !== 'key') return { type: 'text', text: typed(key) };
  return { type: SEARCH_ACTIONS[key.name] ?? 'other' };
}

// Options are checked up front, with a message that names the option and the value.
function checkCount(name: string, value: number, min: number): number {
  if (Number.isInteger(value) && value >= min) return value;
  throw new RangeError(`Expected the \`${name}\` option to be an integer >= ${min}, got ${String(value)}.`);
}
