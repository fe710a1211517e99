// Text measurements for the line editor. The line is kept as an array of code points so that cursor moves and deletes
// never split a surrogate pair; a base character and the zero-width marks after it move and delete together, and
// East Asian wide characters and emoji take two terminal columns (an approximation of wcwidth, enough for a prompt).

const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}\p{Cc}]$/u;
const EMOJI = /^\p{Emoji_Presentation}$/u;
const WIDE: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe30, 0xfe4f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x20000, 0x3fffd],
];

/** Columns one code point takes on a terminal: 0 for combining marks and format characters, 2 for wide ones. */
export function charWidth(ch: string): number {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp >= 0x20 && cp < 0x300) return 1; // the common case, without a regex
  if (ZERO_WIDTH.test(ch)) return 0;
  if (WIDE.some(([lo, hi]) => cp >= lo && cp <= hi) || EMOJI.test(ch)) return 2;
  return 1;
}

/** Columns taken by chars[from, to). */
export function textWidth(chars: readonly string[], from = 0, to = chars.length): number {
  let width = 0;
  for (let i = from; i < to; i++) width += charWidth(chars[i] ?? '');
  return width;
}

/** Start of the character (base plus its zero-width marks) before index i. */
export function prevBoundary(chars: readonly string[], i: number): number {
  let j = i - 1;
  while (j > 0 && charWidth(chars[j] ?? '') === 0) j--;
  return Math.max(j, 0);
}

/** Start of the character after the one at index i. */
export function nextBoundary(chars: readonly string[], i: number): number {
  let j = i + 1;
  while (j < chars.length && charWidth(chars[j] ?? '') === 0) j++;
  return Math.min(j, chars.length);
}

const isSpace = (ch: string | undefined): boolean => ch !== undefined && /^\s$/u.test(ch);

/** Start of the word before index i, skipping spaces first (what Ctrl-W deletes back to, and Alt-B moves to). */
export function wordStart(chars: readonly string[], i: number): number {
  let j = i;
  while (j > 0 && isSpace(chars[j - 1])) j--;
  while (j > 0 && !isSpace(chars[j - 1])) j--;
  return j;
}

/** End of the word after index i, skipping spaces first (where Alt-F moves to). */
export function wordEnd(chars: readonly string[], i: number): number {
  let j = i;
  while (j < chars.length && isSpace(chars[j])) j++;
  while (j < chars.length && !isSpace(chars[j])) j++;
  return j;
}

/** Start of the (possibly empty) word that ends at index i: what tab completion completes. */
export function tokenStart(chars: readonly string[], i: number): number {
  let j = i;
  while (j > 0 && !isSpace(chars[j - 1])) j--;
  return j;
}

/** Longest common prefix of non-empty list of strings, by code point. */
export function commonPrefix(items: readonly string[]): string {
  let prefix = Array.from(items[0] ?? '');
  for (const item of items.slice(1)) {
    const chars = Array.from(item);
    let n = 0;
    while (n < prefix.length && n < chars.length && prefix[n] === chars[n]) n++;
    prefix = prefix.slice(0, n);
  }
  return prefix.join('');
}

/** Lays items out in columns (down, then across, as `ls` does) that fit a terminal `columns` wide. */
export function formatColumns(items: readonly string[], columns: number): string[] {
  const widths = items.map((item) => textWidth(Array.from(item)));
  const cell = Math.max(0, ...widths) + 2;
  const perRow = Math.max(1, Math.floor((columns - 1 + 2) / cell));
  const rows = Math.ceil(items.length / perRow);
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let i = r; i < items.length; i += rows) {
      const last = i + rows >= items.length;
      line += last ? items[i] : (items[i] ?? '') + ' '.repeat(cell - (widths[i] ?? 0));
    }
    lines.push(line);
  }
  return lines;
}

/** A prompt so wide that it would leave fewer columns than this for the line loses its start. */
const MIN_ROOM = 10;

/** The prompt as shown (its start cut off when too wide) and the columns left for the line: all but the last one, so
 * that the terminal never wraps. */
export function promptLayout(prompt: string, columns: number): [shown: string, room: number] {
  const usable = Math.max(1, columns - 1);
  const chars = Array.from(prompt);
  let start = 0;
  while (start < chars.length && textWidth(chars, start) > usable - MIN_ROOM) start++;
  return [chars.slice(start).join(''), Math.max(1, usable - textWidth(chars, start))];
}

/**
 * The slice of the line to show in `room` columns: starts at `scroll` when that still shows the cursor, so the view does
 * not jump at every key, and never leaves empty room on the right while text is hidden on the left. The cursor always
 * gets a cell of its own, so nothing is drawn in the terminal's last column and the terminal never wraps.
 */
export function fitView(
  chars: readonly string[],
  cursor: number,
  scroll: number,
  room: number,
): { scroll: number; end: number } {
  let start = Math.min(scroll, chars.length);
  // Past the left edge: show a third of the room before the cursor too, so the next moves left do not redraw.
  if (cursor < start) start = backOff(chars, cursor, Math.floor(room / 3));
  start = keepCursorInView(chars, start, cursor, room - 1);
  start = backOff(chars, start, room - 1 - textWidth(chars, start));
  let end = start;
  for (let w = 0; end < chars.length;) {
    const next = nextBoundary(chars, end);
    w += textWidth(chars, end, next);
    if (w > room) break;
    end = next;
  }
  return { scroll: start, end };
}

// Moves `start` left over at most `columns` columns of text.
function backOff(chars: readonly string[], start: number, columns: number): number {
  for (let w = 0; start > 0;) {
    const prev = prevBoundary(chars, start);
    w += textWidth(chars, prev, start);
    if (w > columns) break;
    start = prev;
  }
  return start;
}

// Moves `start` right until the cursor is at most `columns` columns after it.
function keepCursorInView(chars: readonly string[], start: number, cursor: number, columns: number): number {
  for (let w = textWidth(chars, start, cursor); start < cursor && w > columns;) {
    const next = nextBoundary(chars, start);
    w -= textWidth(chars, start, next);
    start = next;
  }
  return start;
}
