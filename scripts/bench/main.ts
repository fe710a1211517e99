// `npm run bench`: Keyhole against OpenSSH's sshd on this machine; prints the table and updates docs/BENCHMARKS.md.
import { Cleanup } from './cleanup.ts';
import { parseBenchArgs, USAGE } from './options.ts';
import { describeMachine } from './report/machine.ts';
import { renderSection, writeSection } from './report/markdown.ts';
import { renderTable } from './report/table.ts';
import { runBench } from './run.ts';

const args = process.argv.slice(2);
const parsed = parseBenchArgs(args);
if (!parsed.ok) {
  process.stderr.write(parsed.reason === 'help' ? `${USAGE}\n` : `bench: ${parsed.reason}\n${USAGE}\n`);
  process.exit(parsed.reason === 'help' ? 0 : 2);
}
const { options } = parsed;
const cleanup = new Cleanup();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`bench: ${signal}: stopping the servers it started\n`);
    void cleanup.run().finally(() => process.exit(130));
  });
}

try {
  const t0 = performance.now();
  const progress = (line: string) =>
    process.stderr.write(`bench: ${((performance.now() - t0) / 1000).toFixed(1)}s ${line}\n`);
  const report = await runBench(options, cleanup, progress);
  process.stdout.write(`\n${renderTable(report.rows)}\n`);
  if (report.sshdSkipped) process.stdout.write(`\nsshd not measured: ${report.sshdSkipped}\n`);
  const { before, after } = report.load;
  process.stdout.write(
    `\n${Math.round(report.durationMs / 1000)} s; load average ${before.toFixed(2)} before, ${after.toFixed(2)} after\n`,
  );
  if (options.markdown) {
    const command = ['npm run bench', ...(args.length > 0 ? ['--', ...args] : [])].join(' ');
    await writeSection(options.markdown, renderSection(report, describeMachine(), command));
    process.stdout.write(`wrote ${options.markdown}\n`);
  }
} catch (err) {
  process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
} finally {
  await cleanup.run();
}
