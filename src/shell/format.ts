// The `sessions` table as the shell prints it (the terminal client draws its own from the same summaries).
import type { SessionSummary } from './control.ts';
import { cell, formatAge } from '../line/printable.ts';

/** The most characters a field shows, so that no client-chosen text can wrap into what looks like another row. */
export const FIELD_MAX = 40;
export const COMMAND_MAX = 60;

/** The `sessions` table: one row per session, the caller's own marked with `*`. */
export function formatSessionsTable(sessions: readonly SessionSummary[], now: Date, self?: string): string {
  // The CERT column (key id and serial of a certificate login) only when some session has one: most servers have none.
  const certs = sessions.some((s) => s.certificate !== null);
  const header = ['ID', 'USER', 'ROLE', 'ADDRESS', 'CLIENT', ...(certs ? ['CERT'] : []), 'SINCE', 'IDLE', 'COMMAND'];
  const rows = sessions.map((s) =>
    [
      s.id === self ? `${s.id}*` : s.id,
      s.user,
      s.role,
      s.address,
      s.clientVersion,
      ...(certs ? [s.certificate ? `${s.certificate.keyId} #${s.certificate.serial}` : '-'] : []),
      s.since.toISOString().replace(/\.\d+Z$/, 'Z'),
      formatAge(now.getTime() - s.lastActivity.getTime()),
      s.command ?? '-',
    ].map((text, i, all) => cell(text, i === all.length - 1 ? COMMAND_MAX : FIELD_MAX)),
  );
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
