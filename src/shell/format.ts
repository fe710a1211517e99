// Plain-text rendering for the shell's tables and messages.
import type { SessionSummary } from './control.ts';

/** Renders an age as OpenSSH-like short text: 42s, 5m12s, 3h04m, 2d03h. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86400)}d${String(Math.floor((s % 86400) / 3600)).padStart(2, '0')}h`;
}

/** The `sessions` table: one row per session, the caller's own marked with `*`. */
export function formatSessionsTable(sessions: readonly SessionSummary[], now: Date, self?: string): string {
  const header = ['ID', 'USER', 'ROLE', 'ADDRESS', 'CLIENT', 'SINCE', 'IDLE', 'COMMAND'];
  const rows = sessions.map((s) => [
    s.id === self ? `${s.id}*` : s.id,
    s.user,
    s.role,
    s.address,
    printable(s.clientVersion),
    s.since.toISOString().replace(/\.\d+Z$/, 'Z'),
    formatAge(now.getTime() - s.lastActivity.getTime()),
    printable(s.command ?? '-'),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const render = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [render(header), ...rows.map(render), `${sessions.length} session${sessions.length === 1 ? '' : 's'}`].join(
    '\n',
  );
}

/** Replaces control characters so that text from a client cannot move the admin's cursor or forge table rows. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}
