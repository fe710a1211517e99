// Text that came from a client, made safe to show to people: nothing in it can move a cursor, reorder what follows
// (bidi overrides), hide itself (zero-width characters) or forge a table row (line separators, overlong fields).

// Control (Cc: C0, DEL, C1), format (Cf: bidi controls, zero-width characters, soft hyphen, BOM), line and paragraph
// separators (Zl, Zp), and lone surrogates (Cs), which a terminal shows as something else or not at all.
const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
const C0_C1 = /^[\u0000-\u001f\u007f-\u009f]$/;

/**
 * Replaces what a person could not see as it is: control characters become `?` (as before), format characters and
 * separators become their visible code (`<U+202E>`), so a spoofing attempt shows instead of working.
 */
export function printable(text: string): string {
  return text.replace(HIDDEN, (ch) => (C0_C1.test(ch) ? '?' : `<U+${codeOf(ch)}>`));
}

function codeOf(ch: string): string {
  return ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
}

/** Cuts `text` to at most `max` characters (code points), ending a cut one with `…`, so a field keeps to its column. */
export function clip(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  return max <= 0 ? '' : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * One table cell from client text: printable, runs of spaces made one (column alignment inside a field could draw a
 * fake row where the terminal wraps it), and clipped to `max` characters.
 */
export function cell(text: string, max: number): string {
  return clip(printable(text).replace(/ {2,}/g, ' '), max);
}

/** Renders an age as OpenSSH-like short text: 42s, 5m12s, 3h04m, 2d03h. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86400)}d${String(Math.floor((s % 86400) / 3600)).padStart(2, '0')}h`;
}
