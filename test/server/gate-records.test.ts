// The gate's audit records: refusals of one source for one reason coalesced per window, with a count and the penalty's
// time left; penalties written as they happen.
import test from 'ava';
import { once } from 'node:events';
import { MemoryAudit } from '../../src/audit/audit.ts';
import { silentLogger } from '../../src/log.ts';
import { GateRecords } from '../../src/server/gate-records.ts';

test('a flood of refusals becomes one record at once and one count per window', async (t) => {
  const audit = new MemoryAudit();
  const records = new GateRecords(audit, silentLogger, 200);
  for (let i = 0; i < 1000; i++) records.refused('127.0.0.2', 'penalty', 30 - i / 1000);
  records.refused('127.0.0.3', 'penalty', 20);
  records.refused('127.0.0.2', 'startups-per-source');
  t.is(audit.records.length, 3, 'the first of each source and reason, at once');
  t.like(audit.records[0], { event: 'refused', source: '127.0.0.2', reason: 'penalty', count: 1, left: 30 });
  t.like(audit.records[2], { event: 'refused', source: '127.0.0.2', reason: 'startups-per-source', count: 1 });
  const alive = setTimeout(() => undefined, 5_000); // the window's timer is unref'd, as a server's must be
  await once(audit, 'record'); // the window ends: the 999 others as one record
  clearTimeout(alive);
  t.like(audit.records[3], { event: 'refused', source: '127.0.0.2', reason: 'penalty', count: 999, left: 29 });
  t.is(audit.records.length, 4, 'the sources and reasons with nothing more to count write nothing more');
});

test('counts still waiting are written by flushAll (at shutdown)', (t) => {
  const audit = new MemoryAudit();
  const records = new GateRecords(audit, silentLogger, 60_000);
  for (let i = 0; i < 5; i++) records.refused('10.0.0.9', 'random-early-drop');
  records.flushAll();
  t.deepEqual(
    audit.records.map((r) => r.event === 'refused' && r.count),
    [1, 4],
  );
});

test('a penalty record carries the source, kind, seconds added and left', (t) => {
  const audit = new MemoryAudit();
  new GateRecords(audit, silentLogger).penalty('127.0.0.2', 'grace-exceeded', 10, 19.96);
  t.like(audit.records[0], { event: 'penalty', source: '127.0.0.2', kind: 'grace-exceeded', added: 10, left: 20 });
});
