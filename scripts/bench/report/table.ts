// The report as a table: the same cells for the terminal (aligned columns) and for Markdown.
import type { Row } from './aggregate.ts';

const HEADER = ['#', 'figure', 'unit', 'Keyhole', 'sshd', 'Keyhole ÷ sshd', 'target', 'met', 'kex, cipher', 'Node'];

function formatNumber(value: number | null, digits: number): string {
  if (value === null) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function formatRatio(ratio: number | null): string {
  if (ratio === null) return '';
  return ratio < 0.1 ? ratio.toFixed(3) : ratio.toFixed(2);
}

/** The cells of one row, as text. */
export function cells(row: Row): string[] {
  const { def } = row;
  const target = def.target ? `${def.target.op === '<=' ? '≤' : '≥'} ${def.target.ratio}` : '';
  const met = row.met === null ? '' : row.met ? 'yes' : 'NO';
  return [
    String(def.figure),
    def.label,
    def.unit,
    formatNumber(row.keyhole, def.digits),
    formatNumber(row.sshd, def.digits),
    formatRatio(row.ratio),
    target,
    met,
    row.transport ?? '',
    row.node ?? '',
  ];
}

/** An aligned plain-text table for the terminal (numbers right-aligned). */
export function renderTable(rows: readonly Row[]): string {
  const body = rows.map(cells);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const numeric = new Set([3, 4, 5]);
  const line = (r: string[]) =>
    r
      .map((c, i) => (numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(HEADER), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** A Markdown table of the same cells. */
export function renderMarkdownTable(rows: readonly Row[]): string {
  const escape = (c: string) => c.replaceAll('|', '\\|');
  const line = (r: string[]) => `| ${r.map(escape).join(' | ')} |`;
  const align = HEADER.map((_, i) => ([3, 4, 5].includes(i) ? '---:' : '---'));
  return [line(HEADER), `|${align.join('|')}|`, ...rows.map((r) => line(cells(r)))].join('\n');
}
