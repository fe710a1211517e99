// The benchmark harness (scripts/bench): a quick round against Keyhole alone yields every figure as a number, and the
// pieces that turn rounds into the report behave. No timing is asserted: the figures are only checked to exist.
import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Cleanup } from '../../scripts/bench/cleanup.ts';
import { parseBenchArgs, QUICK_PLAN, type BenchOptions } from '../../scripts/bench/options.ts';
import { aggregate } from '../../scripts/bench/report/aggregate.ts';
import { BEGIN, END, writeSection } from '../../scripts/bench/report/markdown.ts';
import { metricDefs } from '../../scripts/bench/report/metrics.ts';
import { renderTable } from '../../scripts/bench/report/table.ts';
import { runBench } from '../../scripts/bench/run.ts';
import { sshdUnavailable } from '../../scripts/bench/targets/sshd.ts';
import { median, percentile } from '../../scripts/bench/stats.ts';

function options(args: string[]): BenchOptions {
  const parsed = parseBenchArgs(args);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.options;
}

test('a quick round against Keyhole alone produces every figure with a number', async (t) => {
  t.timeout(180_000, 'the quick round starts Keyhole twice and runs every figure once');
  const cleanup = new Cleanup();
  const lines: string[] = [];
  try {
    const report = await runBench(options(['--quick', '--no-sshd']), cleanup, (line) => lines.push(line));
    t.deepEqual(report.servers, ['keyhole']);
    t.regex(report.sshdSkipped ?? '', /--no-sshd/);
    for (const def of metricDefs(QUICK_PLAN)) {
      const row = report.rows.find((r) => r.def.id === def.id);
      t.true(typeof row?.keyhole === 'number' && Number.isFinite(row.keyhole), `${def.id}: ${row?.keyhole}`);
      t.is(row?.sshd, null, def.id);
    }
    t.true(report.rows.some((r) => r.def.id === 'mem-pss-per-session' && r.keyhole! > 0));
    t.regex(renderTable(report.rows), /exec round trip/);
    // Every row says what its client negotiated, read from the clients themselves, and the Node that ran Keyhole.
    const transport = (id: string) => report.rows.find((r) => r.def.id === id)?.transport;
    t.is(transport('rtt-openssh'), 'curve25519-sha256, chacha20-poly1305');
    t.is(transport('stream-openssh-aes'), 'curve25519-sha256, aes128-gcm');
    t.is(transport('rtt-ssh2'), 'curve25519-sha256, aes128-gcm');
    t.is(transport('mem-pss-0'), '');
    t.true(report.rows.every((r) => r.node === process.version));
    t.regex(transport('rtt-openssh-default-kex') ?? '', /^(mlkem768x25519|curve25519)-sha256, /);
  } finally {
    await cleanup.run();
  }
  t.true(lines.some((l) => l.includes('figure 6, round 1/1: keyhole')));
  t.true(lines.some((l) => /figure 7: confinement auto, Landlock ABI \d+, helper \//.test(l)));
});

// CI installs openssh-server (.ci/run), so the comparison itself is exercised there; elsewhere it may be skipped.
const withSshd = sshdUnavailable() === null && process.getuid?.() === 0 ? test : test.skip;
withSshd('a quick round against Keyhole and sshd produces both columns and their ratios', async (t) => {
  t.timeout(180_000, 'the quick round runs every figure once on each server');
  const cleanup = new Cleanup();
  try {
    const report = await runBench(options(['--quick']), cleanup, () => undefined);
    t.deepEqual(report.servers, ['keyhole', 'sshd']);
    t.is(report.sshdSkipped, null);
    // Every figure but the keyhole-v1 subsystem one and the cost of confinement (7), which sshd does not have.
    for (const def of metricDefs(QUICK_PLAN).filter((d) => d.id !== 'cmds-protocol' && d.figure !== 7)) {
      const row = report.rows.find((r) => r.def.id === def.id);
      t.true(typeof row?.sshd === 'number' && Number.isFinite(row.sshd), `${def.id}: sshd ${row?.sshd}`);
      t.true(typeof row?.keyhole === 'number' && Number.isFinite(row.keyhole), `${def.id}: keyhole ${row?.keyhole}`);
    }
    t.regex(renderTable(report.rows), /Keyhole ÷ sshd/);
  } finally {
    await cleanup.run();
  }
});

test('--quick writes no report unless asked, a full run writes docs/BENCHMARKS.md', (t) => {
  t.is(options(['--quick']).markdown, null);
  t.is(options([]).markdown, 'docs/BENCHMARKS.md');
  t.is(options(['--quick', '--markdown', 'x.md']).markdown, 'x.md');
  t.is(options(['--rounds', '5']).plan.rounds, 5);
  t.deepEqual(options(['--only', '1,5']).only, [1, 5]);
  t.deepEqual(options(['--only', '7']).only, [7]);
});

test('bad options are reasons, not exceptions', (t) => {
  t.like(parseBenchArgs(['--rounds', 'many']), { ok: false });
  t.like(parseBenchArgs(['--only', '8']), { ok: false });
  t.like(parseBenchArgs(['--frobnicate']), { ok: false });
});

test('median and nearest-rank percentiles', (t) => {
  t.is(median([3, 1, 2]), 2);
  t.is(median([4, 1, 2, 3]), 2.5);
  t.true(Number.isNaN(median([])));
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
  t.is(percentile(hundred, 50), 50);
  t.is(percentile(hundred, 99), 99);
  t.is(percentile([7], 99), 7);
});

test('rows take the median of rounds, divide Keyhole by sshd and judge the target', (t) => {
  const rounds = [
    { keyhole: { 'rtt-openssh': 10 }, sshd: { 'rtt-openssh': 100 } },
    { keyhole: { 'rtt-openssh': 30 }, sshd: { 'rtt-openssh': 100 } },
    { keyhole: { 'rtt-openssh': 20 }, sshd: { 'rtt-openssh': 50 } },
  ];
  const [row] = aggregate(metricDefs(QUICK_PLAN), rounds);
  t.like(row, { keyhole: 20, sshd: 100, ratio: 0.2, met: true });
});

test('the report replaces only the text between its markers', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-md-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'BENCHMARKS.md');
  writeFileSync(file, `# Title\nbefore\n\n${BEGIN}\nfirst\n${END}\n\nafter\n`);
  await writeSection(file, `${BEGIN}\nsecond\n${END}`);
  const text = readFileSync(file, 'utf8');
  t.regex(text, /before[\s\S]*second[\s\S]*after/);
  t.notRegex(text, /first/);
});

test('a file without markers gets the section appended', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-md-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'BENCHMARKS.md');
  await writeSection(file, `${BEGIN}\nnew\n${END}`);
  t.regex(readFileSync(file, 'utf8'), /^# Benchmarks\n\n<!-- bench:begin[\s\S]*new/);
});
