// docs/BENCHMARKS.md: the bench rewrites only the part between its markers, so the method and the profiling notes
// written by people around it stay as they are.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { BenchReport } from '../run.ts';
import type { Machine } from './machine.ts';
import { renderMarkdownTable } from './table.ts';

export const BEGIN = '<!-- bench:begin: written by `npm run bench`, edit outside these markers -->';
export const END = '<!-- bench:end -->';

/** The generated section: when, how, on what, and the table. */
export function renderSection(report: BenchReport, machine: Machine, command: string, when = new Date()): string {
  const { plan } = report.options;
  const pinned = report.rows.filter((r) => r.def.kex === 'pinned');
  const defaults = report.rows.filter((r) => r.def.kex === 'default');
  const lines = [
    BEGIN,
    `Measured ${when.toISOString().slice(0, 16).replace('T', ' ')} UTC with \`${command}\`: ${plan.rounds} round(s), each figure`,
    `the median of its rounds; the whole run took ${Math.round(report.durationMs / 1000)} s.`,
    '',
    '| machine | |',
    '| --- | --- |',
    `| Keyhole | ${machine.keyhole} |`,
    `| CPU | ${machine.cpu}, ${machine.cores} cores, ${machine.memory} |`,
    `| load average (1 min) | ${report.load.before.toFixed(2)} before the run, ${report.load.after.toFixed(2)} after |`,
    `| kernel | ${machine.kernel} |`,
    `| Node | ${machine.node} (ssh2 ${machine.ssh2}) |`,
    `| OpenSSH client | ${machine.sshClient} |`,
    `| OpenSSH server | ${machine.sshd} |`,
    '',
    ...(report.sshdSkipped ? [`sshd was not measured: ${report.sshdSkipped}.`, ''] : []),
    'Both clients pinned to `curve25519-sha256`, so both servers do the same key exchange:',
    '',
    renderMarkdownTable(pinned),
  ];
  if (defaults.length > 0) {
    lines.push(
      '',
      "With the OpenSSH client's default key exchange (no target; the kex column says what each server agreed):",
    );
    lines.push('', renderMarkdownTable(defaults));
  }
  lines.push('', '<details><summary>Every round</summary>', '', renderRounds(report), '', '</details>', END);
  return lines.join('\n');
}

// Each figure's value in every round, for each server: the spread behind the medians.
function renderRounds(report: BenchReport): string {
  const lines = ['| figure | server | rounds |', '| --- | --- | --- |'];
  for (const row of report.rows) {
    for (const server of report.servers) {
      const values = report.rounds.map((r) => r[server]?.[row.def.id]);
      if (values.every((v) => typeof v !== 'number')) continue;
      const text = values.map((v) => (typeof v === 'number' ? v.toFixed(row.def.digits) : 'n/a')).join(', ');
      lines.push(`| ${row.def.figure}. ${row.def.label} | ${server} | ${text} |`);
    }
  }
  return lines.join('\n');
}

/**
 * Puts the section between the markers of `file` (appending it, or creating the file, when there are none), formatted
 * with the project's prettier settings so that `npm run lint` stays clean after a run.
 */
export async function writeSection(file: string, section: string): Promise<void> {
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const begin = old.indexOf(BEGIN);
  const end = old.indexOf(END);
  const next =
    begin >= 0 && end > begin
      ? `${old.slice(0, begin)}${section}${old.slice(end + END.length)}`
      : `${old.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, await formatted(file, next));
}

// prettier is a devDependency: without it the file is written as it is.
async function formatted(file: string, text: string): Promise<string> {
  try {
    const prettier = await import('prettier');
    const options = (await prettier.resolveConfig(file)) ?? {};
    return await prettier.format(text, { ...options, filepath: file });
  } catch {
    return text;
  }
}
