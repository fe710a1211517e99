// A session's audit view: identical refusals written once and then counted exactly, and the byte budget that ends a
// session which floods the trail.
import test from 'ava';
import { once } from 'node:events';
import { MemoryAudit, toLine } from '../../src/audit/audit.ts';
import type { AuditEvent, AuditRecord } from '../../src/audit/events.ts';
import { SessionAudit } from '../../src/audit/session-audit.ts';

const refusal = (reason: string, line = 'rm -rf /'): AuditEvent => ({
  event: 'command',
  session: 's1',
  user: 'alice',
  addr: '127.0.0.1:50000',
  argv: [],
  line,
  allowed: false,
  reason,
  code: 127,
  via: 'shell',
});

function setUp(bytesPerMinute = 0, intervalMs = 60_000) {
  const inner = new MemoryAudit();
  const lifetime = new AbortController();
  const ended: string[] = [];
  const end = (reason: string) => (ended.push(reason), lifetime.abort());
  const audit = new SessionAudit(inner, {
    session: 's1',
    user: 'alice',
    signal: lifetime.signal,
    bytesPerMinute: () => bytesPerMinute,
    end,
    intervalMs,
  });
  return { inner, lifetime, audit, ended };
}

const coalesced = (records: AuditRecord[]) =>
  records.filter((r): r is Extract<AuditRecord, { event: 'refusals-coalesced' }> => r.event === 'refusals-coalesced');

test('identical refusals are written once, then counted exactly, and the count is written when the session ends', async (t) => {
  const { inner, lifetime, audit } = setUp();
  for (let i = 0; i < 1000; i++) await audit.record(refusal('unknown command rm'));
  await audit.record(refusal('unknown command ls'));
  t.is(inner.records.length, 2);
  lifetime.abort();
  const counts = coalesced(inner.records);
  t.deepEqual(
    counts.map((r) => [r.reason, r.count]),
    [['unknown command rm', 999]],
  );
  t.true(counts[0]!.first <= counts[0]!.last);
  // After the session ended nothing is held back any more.
  await audit.record(refusal('unknown command rm'));
  t.is(inner.records.length, 4);
});

test('the count is written when the interval ends, and the next refusal starts a new run', async (t) => {
  const { inner, audit } = setUp(0, 50);
  for (let i = 0; i < 10; i++) await audit.record(refusal('unknown command rm'));
  const alive = setInterval(() => undefined, 1000); // the audit's own timer does not keep a process alive
  const [record] = (await once(inner, 'record')) as [AuditRecord];
  clearInterval(alive);
  t.like(record, { event: 'refusals-coalesced', count: 9, reason: 'unknown command rm', via: 'shell', code: 127 });
  await audit.record(refusal('unknown command rm'));
  t.is(inner.records.at(-1)!.event, 'command');
});

test('allowed commands and other records are never coalesced', async (t) => {
  const { inner, audit } = setUp();
  const allowed: AuditEvent = {
    event: 'command',
    session: 's1',
    user: 'alice',
    addr: '127.0.0.1:50000',
    argv: ['ls'],
    allowed: true,
    via: 'shell',
  };
  for (let i = 0; i < 5; i++) await audit.record(allowed);
  t.is(inner.records.length, 5);
});

test('a session past its audit bytes per minute is ended once, with a record saying why', async (t) => {
  const budget = 4096;
  const { inner, audit, ended } = setUp(budget);
  let sent = 0;
  for (let i = 0; i < 1000 && ended.length === 0; i++) {
    const event = refusal(`unknown command x${i}`, `x${i}`);
    sent += Buffer.byteLength(toLine(event));
    await audit.record(event);
  }
  t.is(ended.length, 1);
  t.regex(ended[0]!, /limits\.auditBytesPerMinute/);
  t.like(
    inner.records.find((r) => r.event === 'audit-budget'),
    { session: 's1', user: 'alice', bytesPerMinute: budget },
  );
  t.true(sent > budget && sent < budget + 512, `${sent} bytes before the session was ended`);
  t.log(`ended after ${sent} bytes of audit (budget ${budget})`);
});
