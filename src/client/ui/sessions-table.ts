// The admin's sessions view as text rows: columns that fit the width (the least useful dropped first, the command
// cut last), the admin's own session marked with `*`, and text from clients made printable. Pure.
import type { SessionInfo } from '../../protocol/frames.ts';
import { cell, formatAge } from '../../line/printable.ts';

interface Column {
  readonly title: string;
  readonly cell: (s: SessionInfo, self: string, now: number) => string;
  /** Lower goes first when the table is too wide. */
  readonly keep: number;
}

const COLUMNS: readonly Column[] = [
  { title: 'ID', cell: (s, self) => (s.id === self ? `${s.id}*` : s.id), keep: 9 },
  { title: 'USER', cell: (s) => s.user, keep: 8 },
  { title: 'ROLE', cell: (s) => s.role, keep: 4 },
  { title: 'ADDRESS', cell: (s) => s.address, keep: 6 },
  { title: 'CLIENT', cell: (s) => s.client, keep: 2 },
  { title: 'CONNECTED', cell: (s, _self, now) => formatAge(now - Date.parse(s.since)), keep: 3 },
  { title: 'IDLE', cell: (s) => formatAge(s.idleMs), keep: 5 },
  { title: 'COMMAND', cell: (s) => s.command ?? '-', keep: 7 },
];
const GAP = '  ';
// The most characters one field shows (the command, last, is cut to the screen as well).
const FIELD_MAX = 40;
const COMMAND_MAX = 80;

/** The header and one row per session, each at most `width` columns. */
export function sessionsTable(
  sessions: readonly SessionInfo[],
  self: string,
  width: number,
  now = Date.now(),
): { header: string; rows: string[] } {
  const cells = sessions.map((s) =>
    COLUMNS.map((c, i) => cell(c.cell(s, self, now), i === COLUMNS.length - 1 ? COMMAND_MAX : FIELD_MAX)),
  );
  const widths = COLUMNS.map((c, i) => Math.max(c.title.length, ...cells.map((row) => row[i]!.length)));
  let shown = COLUMNS.map((_, i) => i);
  const total = (cols: number[]) => cols.reduce((n, i) => n + widths[i]!, 0) + GAP.length * (cols.length - 1);
  // The last column may be cut, so it needs only its title's room; the others need their whole width.
  const fits = (cols: number[]) => total(cols) - widths[cols.at(-1)!]! + COLUMNS[cols.at(-1)!]!.title.length <= width;
  while (shown.length > 1 && !fits(shown)) {
    const least = Math.min(...shown.map((i) => COLUMNS[i]!.keep));
    shown = shown.filter((i) => COLUMNS[i]!.keep !== least);
  }
  const render = (row: readonly string[]) =>
    shown
      .map((i, n) => (n === shown.length - 1 ? row[i]! : row[i]!.padEnd(widths[i]!)))
      .join(GAP)
      .slice(0, width)
      .trimEnd();
  return { header: render(COLUMNS.map((c) => c.title)), rows: cells.map(render) };
}

/** The line under the table, at most `width` columns: how many sessions, then news (a session ended, an error) or
 * else the keys, in shorter words when the long ones do not fit. */
export function sessionsFooter(count: number, news = '', width = Infinity): string {
  const sessions = `${count} session${count === 1 ? '' : 's'}`;
  const keys = news
    ? [news]
    : ['Up/Down select  k or Del end session  r refresh  Esc close', 'Up/Down select  k end  r refresh  Esc close'];
  const forms = [...keys.map((k) => `${sessions}, refreshed every 2 s  ${k}`), ...keys.map((k) => `${sessions}  ${k}`)];
  const line = forms.find((f) => f.length <= width) ?? forms.at(-1)!;
  return line.length <= width ? line : `${line.slice(0, Math.max(0, width - 3))}...`;
}
