// Incremental reverse search through the history (Ctrl-R), as readline does it in bash: each typed character narrows
// the search to the newest line that contains the query, Ctrl-R again goes further back, Enter runs the match, and
// Ctrl-G (or Ctrl-C) gives the original line back. Pure: the pty shell's editor and the terminal client both use it.

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
