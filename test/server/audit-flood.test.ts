// One user flooding the audit trail with refused lines: repeated refusals are written once and then counted exactly,
// and a session past limits.auditBytesPerMinute is ended, with a notice and a record saying why.
import test from 'ava';
import { toLine } from '../../src/audit/audit.ts';
import type { AuditRecord } from '../../src/audit/events.ts';
import type { ClientChannel } from 'ssh2';
import { connectSsh2 } from '../helpers/clients.ts';
import { withServer, PASSWORD, type TestServer } from '../helpers/server.ts';

type Shell = { channel: ClientChannel; stderr: () => string; closed: Promise<number | null>; end: () => void };

// A plain shell (no pty) as alice, its output read as it comes.
async function plainShell(s: TestServer, t: { teardown(fn: () => void): void }): Promise<Shell> {
  const client = await connectSsh2(s.port, 'alice', { password: PASSWORD });
  t.teardown(() => client.end());
  const channel = await new Promise<ClientChannel>((resolve, reject) =>
    client.shell(false, (err, ch) => (err ? reject(err) : resolve(ch))),
  );
  let err = '';
  let code: number | null = null;
  channel.resume();
  channel.stderr.on('data', (d: Buffer) => (err += d.toString()));
  channel.on('exit', (c: number) => (code = c));
  const closed = new Promise<number | null>((resolve) => channel.once('close', () => resolve(code)));
  return { channel, stderr: () => err, closed, end: () => client.end() };
}

// Writes `text` with the channel's backpressure.
async function send(channel: ClientChannel, text: string): Promise<void> {
  const chunk = 32 * 1024;
  for (let at = 0; at < text.length; at += chunk) {
    if (!channel.write(text.slice(at, at + chunk))) await new Promise((resolve) => channel.once('drain', resolve));
  }
}

const bytesOf = (records: readonly AuditRecord[]) => records.reduce((n, r) => n + Buffer.byteLength(toLine(r)), 0);

test('220 KB of the same refused line write one refusal and one exact count', async (t) => {
  const s = await withServer(t);
  const shell = await plainShell(s, t);
  const line = 'rm -rf /tmp/x\n';
  const lines = Math.ceil((220 * 1024) / line.length);
  await send(shell.channel, line.repeat(lines));
  shell.channel.end('exit 0\n');
  t.is(await shell.closed, 0);
  shell.end(); // the coalesced count is written when the session ends, before its disconnect record
  const start = (await s.waitForAudit((r) => r.event === 'session-start' && r.user === 'alice')) as { session: string };
  await s.waitForAudit((r) => r.event === 'disconnect' && r.session === start.session);
  const mine = s.audit.records.filter((r) => 'session' in r && r.session === start.session);
  const refused = mine.filter((r) => r.event === 'command' && !r.allowed);
  const counted = mine.flatMap((r) => (r.event === 'refusals-coalesced' ? [r.count] : []));
  t.is(refused.length + counted.reduce((a, b) => a + b, 0), lines, 'every refusal is written or counted');
  const kinds = mine.map((r) => r.event);
  t.true(kinds.indexOf('refusals-coalesced') < kinds.indexOf('disconnect'), kinds.join(' '));
  const bytes = bytesOf(mine);
  t.log(`${lines} refused lines (${lines * line.length} bytes): ${mine.length} records, ${bytes} bytes of audit`);
  t.true(bytes < 8 * 1024, `${bytes} bytes of audit`);
  t.is(
    shell
      .stderr()
      .split('\n')
      .filter((l) => l.includes("unknown command 'rm'")).length,
    lines,
  );
});

test('a session past its audit bytes per minute is ended, with a notice and a record saying why', async (t) => {
  const s = await withServer(t, { limits: 'auditBytesPerMinute: 16KiB' });
  const shell = await plainShell(s, t);
  // Distinct lines: nothing to coalesce, only the budget stops them.
  const lines = Array.from({ length: 5000 }, (_, i) => `nope${i}\n`).join('');
  void send(shell.channel, lines).catch(() => undefined);
  await shell.closed;
  const ended = await s.waitForAudit((r) => r.event === 'audit-budget' && r.user === 'alice');
  t.like(ended, { bytesPerMinute: 16 * 1024 });
  const session = (ended as { session: string }).session;
  await s.waitForAudit((r) => r.event === 'disconnect' && r.session === session);
  const mine = s.audit.records.filter((r) => 'session' in r && r.session === session);
  t.regex(shell.stderr(), /session ended: .*limits\.auditBytesPerMinute/);
  t.log(`ended after ${mine.length} records, ${bytesOf(mine)} bytes of audit`);
  t.true(bytesOf(mine) < 24 * 1024);
});
