// Faults and load in one process, bounded and on loopback only: many clients at once with a third dropping mid-way,
// a paused reader of a large output, and a flood stopped by the output cap. cli-faults.test.ts has the signals and
// the audit failures. `npm run stress` raises the counts (STRESS=1; STRESS_CLIENTS and STRESS_SEED override them).
// Serial: the checks count this process's children, descriptors and memory, which concurrent tests would disturb.
import test from 'ava';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { ClientChannel } from 'ssh2';
import type { MemoryAudit } from '../../src/audit/audit.ts';
import type { AuditRecord } from '../../src/audit/events.ts';
import { collect, connectSsh2, execOn, ssh2Exec } from '../helpers/clients.ts';
import { withServer } from '../helpers/server.ts';
import { descendantNamed, liveDescendants } from '../helpers/processes.ts';
import { makePlans, openFds, runClient, unmatchedAudit } from './load.ts';

const STRESS = process.env.STRESS === '1';
const CLIENTS = Number(process.env.STRESS_CLIENTS ?? (STRESS ? 200 : 40));
const SEED = Number(process.env.STRESS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const MiB = 1024 * 1024;

// A garbage collection on demand, so memory figures count what is kept rather than what awaits collection.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

// Resolves once `missing()` reports nothing missing, re-checking on every audit record; the deadline only turns a hang
// into a failure that says what is still missing.
async function settle(audit: MemoryAudit, missing: () => string | null, deadlineMs = 120_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (let what = missing(); what !== null; what = missing()) {
    if (Date.now() > deadline) throw new Error(`did not settle: ${what}`);
    await Promise.race([once(audit, 'record'), new Promise((r) => setTimeout(r, 1000))]);
  }
}

function count(records: readonly AuditRecord[], event: AuditRecord['event'], where = (_r: AuditRecord) => true) {
  return records.filter((r) => r.event === event && where(r)).length;
}

test.serial(
  `${CLIENTS} clients at once, a third dropping mid-way, leave no session, process, fd or audit gap`,
  async (t) => {
    t.timeout(STRESS ? 600_000 : 150_000, 'the clients did not all finish (see the progress lines)');
    const s = await withServer(t, { limits: 'maxStartups: 1000, maxSessionsPerUser: 1000, maxCommandsPerUser: 1000' });
    const key = readFileSync(s.keys.deploy);
    // One full round first, so that descriptors opened once per process (the SIGCHLD pipe...) are in the baseline.
    t.is((await ssh2Exec(s.port, 'deploy', { privateKey: s.keys.deploy }, 'echo warm')).stdout, 'warm\n');
    await settle(s.audit, () => (s.server.registry.size === 0 ? null : 'the warm-up session'));
    const fdsBefore = openFds();
    const childrenBefore = liveDescendants(); // tsx's esbuild service and the launchers live on
    const started = performance.now();
    const seen = (arg: string) => s.waitForAudit((r) => r.event === 'command' && r.argv[1] === arg);
    t.log(`seed ${SEED} (repeat with STRESS_SEED=${SEED})`);
    let done = 0;
    const progress = setInterval(
      () => t.log(`progress: ${done}/${CLIENTS} clients done, ${s.server.registry.size} sessions`),
      10_000,
    );
    t.teardown(() => clearInterval(progress));
    const runs = makePlans(CLIENTS, SEED).map((plan) => runClient(s.port, key, plan, seen).finally(() => done++));
    const outcomes = await Promise.all(runs);
    clearInterval(progress);
    for (const { plan, results } of outcomes.filter((o) => o.plan.drop === null)) {
      const expected = plan.commands.map((c) => ({ stdout: c.stdout, stderr: '', code: 0 }));
      t.deepEqual(
        results.map(({ stdout, stderr, code }) => ({ stdout, stderr, code })),
        expected,
        `client ${plan.index}`,
      );
    }
    t.is((await ssh2Exec(s.port, 'deploy', { privateKey: s.keys.deploy }, 'echo still-up')).stdout, 'still-up\n');
    const records = s.audit.records;
    await settle(s.audit, () => {
      const sessions = count(records, 'session-start');
      const ended = count(records, 'disconnect', (r) => r.event === 'disconnect' && r.session !== undefined);
      if (s.server.registry.size > 0 || ended < sessions) return `${s.server.registry.size} sessions in the registry`;
      const gaps = unmatchedAudit(records);
      return gaps.length > 0 ? gaps.join('; ') : null;
    });
    const figures = {
      clients: CLIENTS,
      seed: SEED,
      drops: outcomes.filter((o) => o.plan.drop).length,
      dropsAt: tally(outcomes.map((o) => o.plan.drop && `${o.plan.drop.point}/${o.plan.drop.how}`)),
      sessions: count(records, 'session-start'),
      // Allowed commands audited, the warm-up and the final check included; those the steady clients saw succeed.
      commands: count(records, 'command', (r) => r.event === 'command' && r.allowed),
      succeeded: outcomes.flatMap((o) => o.results).filter((r) => r.code === 0).length,
      canceled: count(records, 'exit', (r) => r.event === 'exit' && r.canceled),
      childrenLeft: liveDescendants().filter((c) => !childrenBefore.includes(c)),
      fdsDelta: openFds() - fdsBefore,
      sessionsLeft: s.server.registry.size,
      auditMismatches: unmatchedAudit(records).length,
      seconds: Math.round((performance.now() - started) / 100) / 10,
    };
    t.log(JSON.stringify(figures));
    t.like(figures, { childrenLeft: [], fdsDelta: 0, sessionsLeft: 0, auditMismatches: 0 });
    t.is(s.server.gateStats.unauthenticated(), 0, 'no connection is left half-open in the gate');
  },
);

function tally(items: readonly (string | null)[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) if (item !== null) out[item] = (out[item] ?? 0) + 1;
  return out;
}

test.serial('a paused reader of a large cat holds the server to a bounded amount of memory', async (t) => {
  const size = (STRESS ? 256 : 64) * MiB;
  const s = await withServer(t, { limits: `maxOutputBytes: ${2 * size}` });
  writeFileSync(path.join(s.srv, 'big.bin'), Buffer.alloc(size, 'k'));
  const client = await connectSsh2(s.port, 'deploy', { privateKey: s.keys.deploy });
  gc();
  const before = process.memoryUsage();
  const channel = await new Promise<ClientChannel>((resolve, reject) =>
    client.exec('cat big.bin', (err, ch) => (err ? reject(err) : resolve(ch.pause()))),
  );
  await s.waitForAudit((r) => r.event === 'command' && r.argv[0] === 'cat');
  const written = await stalled(await descendantNamed('cat'));
  gc();
  const paused = process.memoryUsage();
  const grown = { arrayBuffers: paused.arrayBuffers - before.arrayBuffers, rss: paused.rss - before.rss };
  t.log(
    `paused: cat wrote ${mib(written)} of ${mib(size)}; growth arrayBuffers ${mib(grown.arrayBuffers)}, rss ${mib(grown.rss)}`,
  );
  t.true(written < 16 * MiB, 'cat is held back once the channel window and the pipe are full');
  t.true(grown.arrayBuffers < 32 * MiB, 'the output waiting for the reader is bounded');
  t.true(grown.rss < 64 * MiB);
  let received = 0;
  channel.on('data', (d: Buffer) => (received += d.length));
  const result = await collect(channel.resume());
  t.is(received, size, 'every byte arrives once the reader reads again');
  t.is(result.code, 0);
  client.end();
});

// Resolves with what process `pid` has written once that stops growing for ten looks in a row (it is blocked).
async function stalled(pid: number): Promise<number> {
  let last = -1;
  for (let same = 0; same < 10;) {
    await new Promise((r) => setTimeout(r, 50));
    const now = Number(/wchar: (\d+)/.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))![1]);
    same = now === last ? same + 1 : 0;
    last = now;
  }
  return last;
}

function mib(bytes: number): string {
  return `${(bytes / MiB).toFixed(1)} MiB`;
}

test.serial('the output cap ends a flood with a clear message, and the session goes on', async (t) => {
  const s = await withServer(t);
  const client = await connectSsh2(s.port, 'deploy', { privateKey: s.keys.deploy });
  t.teardown(() => client.end());
  const channel = await new Promise<ClientChannel>((resolve, reject) =>
    client.shell(false, (err, ch) => (err ? reject(err) : resolve(ch))),
  );
  channel.end('flood\necho after the flood\n');
  const r = await collect(channel);
  t.is(r.stdout.length, MiB + 'after the flood\n'.length, 'exactly the cap, then the next line ran');
  t.true(r.stdout.endsWith('y\nafter the flood\n'));
  t.is(r.stderr, `keyhole: 'flood' was stopped: its output passed the limit of ${MiB} bytes\n`);
  t.is(r.code, 0, 'the status of the last line');
  t.like(await s.waitForAudit((a) => a.event === 'exit' && a.argv[0] === 'flood'), { truncated: true, code: 143 });
  t.is((await execOn(client, 'echo same connection')).stdout, 'same connection\n');
});
