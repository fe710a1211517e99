import test from 'ava';
import { sessionsFooter, sessionsTable } from '../../../src/client/ui/sessions-table.ts';
import type { SessionInfo } from '../../../src/protocol/frames.ts';

const now = Date.parse('2025-01-01T12:00:00Z');
const session = (id: string, more: Partial<SessionInfo> = {}): SessionInfo => ({
  id,
  user: 'deploy',
  role: 'operator',
  address: '127.0.0.1:40000',
  client: 'SSH-2.0-OpenSSH_9.2',
  since: '2025-01-01T11:58:55Z',
  idleMs: 5000,
  command: null,
  ...more,
});

test('lists every column when there is room, the own session starred', (t) => {
  const { header, rows } = sessionsTable([session('s1'), session('s2', { command: 'sleep 30' })], 's1', 120, now);
  t.is(header, 'ID   USER    ROLE      ADDRESS          CLIENT               CONNECTED  IDLE  COMMAND');
  t.is(rows[0], 's1*  deploy  operator  127.0.0.1:40000  SSH-2.0-OpenSSH_9.2  1m05s      5s    -');
  t.is(rows[1], 's2   deploy  operator  127.0.0.1:40000  SSH-2.0-OpenSSH_9.2  1m05s      5s    sleep 30');
});

test('drops the client, then the connected time, to fit a narrow screen', (t) => {
  const { header, rows } = sessionsTable([session('s1')], '', 60, now);
  t.is(header, 'ID  USER    ROLE      ADDRESS          IDLE  COMMAND');
  t.true(rows.every((row) => row.length <= 60));
});

test('cuts a long command to the width', (t) => {
  const { rows } = sessionsTable([session('s1', { command: `echo ${'x'.repeat(200)}` })], '', 100, now);
  t.is(rows[0]!.length, 100);
});

test('makes control characters from clients printable', (t) => {
  const { rows } = sessionsTable([session('s1', { client: 'evil\x1b[2J' })], '', 120, now);
  t.false(rows[0]!.includes('\x1b'));
});

test('the footer counts the sessions, then gives news or else the keys', (t) => {
  t.is(sessionsFooter(1), '1 session, refreshed every 2 s  Up/Down select  k or Del end session  r refresh  Esc close');
  t.is(sessionsFooter(2, 'ended session s3'), '2 sessions, refreshed every 2 s  ended session s3');
});

test('the footer fits its width: shorter words first, then without the refresh note, then cut', (t) => {
  t.is(sessionsFooter(2, '', 78), '2 sessions, refreshed every 2 s  Up/Down select  k end  r refresh  Esc close');
  t.true(sessionsFooter(2, '', 60).length <= 60);
  t.regex(sessionsFooter(2, '', 60), /Esc close$/);
  t.is(sessionsFooter(2, 'ended session s3', 20), '2 sessions  ended...');
  for (const width of [10, 30, 50, 78, 98]) t.true(sessionsFooter(12, '', width).length <= width, `${width}`);
});

test('a spoofed command (a fake row after its spaces, a bidi override) stays one clipped, escaped row', (t) => {
  const fake = `sleep 30${' '.repeat(72)}s9   root    admin     10.0.0.1:22  x  1m05s  1s  -  ${'x'.repeat(80)}`;
  const { rows } = sessionsTable(
    [session('s1', { command: fake }), session('s2', { command: 'cat \u202Etxt.hsab' })],
    '',
    400,
    now,
  );
  t.is(rows.length, 2);
  t.false(rows[0]!.includes('  s9'), rows[0]);
  t.true(rows[0]!.endsWith('…'));
  t.true(rows[1]!.endsWith('cat <U+202E>txt.hsab'));
  t.true(rows.every((row) => row.length < 200));
});
