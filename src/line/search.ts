// Incremental reverse search through the history (Ctrl-R), as readline does it in bash: each typed character narrows
// the search to the newest line that contains the query, Ctrl-R again goes further back, Backspace widens it, Ctrl-G
// gives the original line back, and any other key keeps the match as the line and then does its usual work (Enter
// runs it, Ctrl-C drops it). Pure: the key dispatch (dispatch.ts), which the pty shell's editor and the terminal
// client share, drives a ReverseSearch.
import type { Line } from './edit.ts';

export interface Search {
  readonly query: string;
  /** Index into the history of the line shown, or null when nothing matched yet (or the query is empty). */
  readonly match: number | null;
  /** The last search found nothing: the prompt says so, and the previous match stays shown. */
  readonly failed: boolean;
}

export const NEW_SEARCH: Search = { query: '', match: null, failed: false };

/** The query grows by `text`: the newest line containing it, from the one shown back. */
export function searchType(entries: readonly string[], s: Search, text: string): Search {
  return find(entries, s.query + text, s.match ?? entries.length - 1, s);
}

/** Ctrl-R again: an older line containing the query. */
export function searchOlder(entries: readonly string[], s: Search): Search {
  if (s.query === '') return s;
  return find(entries, s.query, (s.match ?? entries.length) - 1, s);
}

/** Backspace: the query shrinks by one character and the search starts again from the newest line. */
export function searchBackspace(entries: readonly string[], s: Search): Search {
  const query = Array.from(s.query).slice(0, -1).join('');
  if (query === '') return NEW_SEARCH;
  return find(entries, query, entries.length - 1, { ...s, match: null });
}

/** What the prompt becomes while searching. */
export function searchPrompt(s: Search): string {
  return `(${s.failed ? 'failed ' : ''}reverse-i-search)\`${s.query}': `;
}

/** The line to show (and to keep when the search ends): the match, or `original` when there is none. */
export function searchResult(entries: readonly string[], s: Search, original: readonly string[]): readonly string[] {
  return s.match === null ? original : Array.from(entries[s.match] ?? '');
}

/** Where the cursor goes in the shown line: at the start of the match, as readline puts it. */
export function searchCursor(entries: readonly string[], s: Search, shown: readonly string[]): number {
  if (s.match === null || s.query === '') return shown.length;
  const at = (entries[s.match] ?? '').indexOf(s.query);
  return at < 0 ? shown.length : Array.from((entries[s.match] ?? '').slice(0, at)).length;
}

function find(entries: readonly string[], query: string, from: number, previous: Search): Search {
  for (let i = Math.min(from, entries.length - 1); i >= 0; i--) {
    if (entries[i]!.includes(query)) return { query, match: i, failed: false };
  }
  return { query, match: previous.match, failed: true };
}

/** What a key does to a search: Ctrl-R, Backspace, Ctrl-G (dispatch.ts maps the canonical key names to these). */
export type SearchAction = 'older' | 'backspace' | 'abort';

/** A key as the search sees it: text typed, an action, or any other key (which ends the search). */
export type SearchKey = { readonly type: 'text'; readonly text: string } | { readonly type: SearchAction | 'other' };

/** After a key: still searching, or done with the line to keep and whether the key must now do its usual work. */
export type SearchStep =
  { readonly searching: true } | { readonly searching: false; readonly line: Line; readonly replay: boolean };

/** One Ctrl-R search, from the line being typed when it began. */
export class ReverseSearch {
  private state: Search = NEW_SEARCH;

  constructor(
    private readonly entries: readonly string[],
    private readonly original: readonly string[],
  ) {}

  /** The prompt to show instead of the usual one while searching. */
  get prompt(): string {
    return searchPrompt(this.state);
  }

  /** The line to show: the match with the cursor at it, or the original line. */
  get line(): Line {
    const chars = searchResult(this.entries, this.state, this.original);
    return { chars, cursor: searchCursor(this.entries, this.state, chars) };
  }

  key(key: SearchKey): SearchStep {
    switch (key.type) {
      case 'text':
        this.state = searchType(this.entries, this.state, key.text);
        return { searching: true };
      case 'older':
        this.state = searchOlder(this.entries, this.state);
        return { searching: true };
      case 'backspace':
        this.state = searchBackspace(this.entries, this.state);
        return { searching: true };
      case 'abort':
        return { searching: false, line: { chars: this.original, cursor: this.original.length }, replay: false };
      case 'other':
        return { searching: false, line: this.line, replay: true };
    }
  }
}
