// FileAudit.reopen, as logrotate uses it: the file is moved away, the server reopens the path, and every record lands
// in exactly one of the two files, in order, including records written while the reopen is under way.
import test from 'ava';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileAudit } from '../../src/audit/audit.ts';
import type { AuditEvent } from '../../src/audit/events.ts';

const numbered = (n: number): AuditEvent => ({ event: 'config-reload', ok: true, config: `record-${n}` });

function tempAuditPath(t: { teardown: (fn: () => void) => void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyhole-audit-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'audit.log');
}

// The `config` field of each line of a file, in file order.
function recordsIn(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { config: string }).config);
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

test('after a rename and reopen, earlier records stay in the old file and later ones go to a new 0600 file', async (t) => {
  const file = tempAuditPath(t);
  const audit = await FileAudit.open(file);
  for (const n of range(0, 3)) await audit.record(numbered(n));
  renameSync(file, `${file}.1`);
  await audit.reopen();
  for (const n of range(3, 6)) await audit.record(numbered(n));
  await audit.close();
  t.deepEqual(recordsIn(`${file}.1`), ['record-0', 'record-1', 'record-2']);
  t.deepEqual(recordsIn(file), ['record-3', 'record-4', 'record-5']);
  t.is(statSync(file).mode & 0o777, 0o600);
});

test('records written while the reopen is under way are neither lost nor duplicated, and stay in order', async (t) => {
  const file = tempAuditPath(t);
  const audit = await FileAudit.open(file);
  const writes: Promise<void>[] = [];
  for (const n of range(0, 200)) writes.push(audit.record(numbered(n)));
  renameSync(file, `${file}.1`);
  const reopened = audit.reopen();
  for (const n of range(200, 400)) writes.push(audit.record(numbered(n)));
  await reopened;
  for (const n of range(400, 500)) writes.push(audit.record(numbered(n)));
  await Promise.all(writes);
  await audit.close();
  const old = recordsIn(`${file}.1`);
  const current = recordsIn(file);
  t.deepEqual(
    [...old, ...current],
    range(0, 500).map((n) => `record-${n}`),
  );
  t.true(old.length >= 1, 'records written before the rename are in the old file');
  t.true(current.includes('record-400'), 'records written after reopen() resolved are in the new file');
  t.false(old.includes('record-400'));
});

test('two reopens in a row each switch once, and nothing is lost', async (t) => {
  const file = tempAuditPath(t);
  const audit = await FileAudit.open(file);
  await audit.record(numbered(0));
  renameSync(file, `${file}.1`);
  await Promise.all([audit.reopen(), audit.reopen(), audit.record(numbered(1))]);
  await audit.record(numbered(2));
  await audit.close();
  t.deepEqual([...recordsIn(`${file}.1`), ...recordsIn(file)], ['record-0', 'record-1', 'record-2']);
  t.deepEqual(recordsIn(file).slice(-1), ['record-2']);
});

test('when the path cannot be reopened, reopen rejects in one line and writing goes on to the old file', async (t) => {
  const file = tempAuditPath(t);
  const health: (Error | null)[] = [];
  const audit = await FileAudit.open(file, (failure) => health.push(failure));
  await audit.record(numbered(0));
  renameSync(file, `${file}.1`);
  mkdirSync(file); // a directory where the file should be: open() fails whoever runs the test
  const err = await t.throwsAsync(audit.reopen());
  t.regex(err!.message, /^cannot reopen the audit file .*audit\.log: .*still writing to the file opened before$/);
  t.notRegex(err!.message, /\n/);
  await audit.record(numbered(1));
  await audit.close();
  t.deepEqual(recordsIn(`${file}.1`), ['record-0', 'record-1']);
  t.is(audit.failure, null);
  t.deepEqual(health, [], 'a failed reopen is not a failed write: the trail is still written');
});
