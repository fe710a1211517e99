// Pure edits of the line being typed: each takes the line and cursor and returns new ones, plus, when the change is
// cheap to show (an echo at the end of the line, a cursor move), the exact bytes that show it. No I/O here.
import { commonPrefix, nextBoundary, prevBoundary, textWidth, tokenStart, wordEnd, wordStart } from './text.ts';

export interface Line {
  /** Code points. */
  readonly chars: readonly string[];
  /** Index into chars. */
  readonly cursor: number;
}

export interface Edit extends Line {
  /** What to write instead of a redraw, when the view does not scroll. */
  readonly echo?: string;
  /** Part of the input was refused (too long, nothing to complete). */
  readonly bell?: boolean;
}

/** Applies an editing key (moves and deletes); undefined when `name` is not one. */
export function editKey(line: Line, name: string): Edit | undefined {
  const { chars, cursor } = line;
  switch (name) {
    case 'left':
    case 'ctrl-b':
      return moveTo(line, prevBoundary(chars, cursor));
    case 'right':
    case 'ctrl-f':
      return moveTo(line, cursor < chars.length ? nextBoundary(chars, cursor) : cursor);
    case 'home':
    case 'ctrl-a':
      return moveTo(line, 0);
    case 'end':
    case 'ctrl-e':
      return moveTo(line, chars.length);
    case 'word-left':
      return moveTo(line, wordStart(chars, cursor));
    case 'word-right':
      return moveTo(line, wordEnd(chars, cursor));
    case 'backspace':
      return remove(line, prevBoundary(chars, cursor), cursor);
    case 'delete':
    case 'ctrl-d':
      return remove(line, cursor, cursor < chars.length ? nextBoundary(chars, cursor) : cursor);
    case 'ctrl-u':
      return remove(line, 0, cursor);
    case 'ctrl-k':
      return remove(line, cursor, chars.length);
    case 'ctrl-w':
      return remove(line, wordStart(chars, cursor), cursor);
    default:
      return undefined;
  }
}

// Moving the cursor changes no text: a cursor-left or -right by the columns crossed is enough.
function moveTo(line: Line, to: number): Edit {
  const { chars, cursor } = line;
  const columns = to < cursor ? textWidth(chars, to, cursor) : textWidth(chars, cursor, to);
  const echo = columns === 0 ? '' : `\x1b[${columns}${to < cursor ? 'D' : 'C'}`;
  return { chars, cursor: to, echo };
}

function remove(line: Line, from: number, to: number): Edit {
  if (from >= to) return { ...line, echo: '' };
  return { chars: [...line.chars.slice(0, from), ...line.chars.slice(to)], cursor: from };
}

/** Inserts text at the cursor, as much as fits in `maxBytes` of UTF-8 (ringing the bell when some did not fit). */
export function insertText(line: Line, text: string, maxBytes: number): Edit {
  let room = maxBytes - Buffer.byteLength(line.chars.join(''));
  const added: string[] = [];
  for (const ch of text) {
    room -= Buffer.byteLength(ch);
    if (room < 0) break;
    added.push(ch);
  }
  const bell = room < 0;
  if (added.length === 0) return { ...line, echo: '', bell };
  const chars = [...line.chars.slice(0, line.cursor), ...added, ...line.chars.slice(line.cursor)];
  const cursor = line.cursor + added.length;
  // At the end of the line the echo of the new text is all it takes: what typing over a slow link needs.
  return { chars, cursor, bell, ...(cursor === chars.length ? { echo: added.join('') } : {}) };
}

/** Pasted text as typed text: a tab becomes a space (no completion in a paste), other controls are dropped. */
export function pastedText(text: string): string {
  return text.replace(/\t/g, ' ').replace(/[\p{Cc}]/gu, '');
}

/**
 * Tab completion of the word ending at the cursor. One candidate completes it and adds a space; several complete
 * their common prefix, and when that adds nothing, a second Tab in a row (`again`) lists them; none rings the bell.
 * Candidates that do not extend the word, or hold control characters (they would be echoed raw), are left out.
 */
export function completeWord(
  line: Line,
  candidates: readonly string[],
  again: boolean,
  maxBytes: number,
): { edit: Edit; list?: string[] } {
  const word = line.chars.slice(tokenStart(line.chars, line.cursor), line.cursor).join('');
  const usable = [...new Set(candidates)].filter((c) => c.startsWith(word) && !/\p{Cc}/u.test(c)).sort();
  const only = usable[0];
  if (only === undefined) return { edit: { ...line, echo: '', bell: true } };
  if (usable.length === 1) return { edit: insertText(line, `${only.slice(word.length)} `, maxBytes) };
  const prefix = commonPrefix(usable);
  if (prefix.length > word.length) return { edit: insertText(line, prefix.slice(word.length), maxBytes) };
  return again ? { edit: { ...line, echo: '' }, list: usable } : { edit: { ...line, echo: '', bell: true } };
}
