// The shell's `sessions` table: a spoofed session shows as one clipped, escaped row.
import test from 'ava';
import type { SessionSummary } from '../../src/shell/control.ts';
import { COMMAND_MAX, formatSessionsTable } from '../../src/shell/format.ts';

const now = new Date('2025-01-01T12:00:00Z');
const session = (id: string, more: Partial<SessionSummary> = {}): SessionSummary => ({
  id,
  user: 'deploy',
  role: 'operator',
  address: '127.0.0.1:40000',
  clientVersion: 'OpenSSH_9.2',
  since: new Date('2025-01-01T11:58:55Z'),
  lastActivity: new Date('2025-01-01T11:59:55Z'),
  command: null,
  certificate: null,
  ...more,
});

// A command whose spaces would carry a fake row to where the terminal wraps, and a bidi override.
const FAKE_ROW = `sleep 30${' '.repeat(72)}s9   root    admin     10.0.0.1:22  OpenSSH_9.2  2025-01-01T11:00:00Z  1s    -`;

test('a long argv that would wrap into a fake row shows as one clipped row', (t) => {
  const table = formatSessionsTable([session('s1', { command: FAKE_ROW }), session('s2')], now, 's2');
  const lines = table.split('\n');
  t.is(lines.length, 4, table);
  const row = lines[1]!;
  t.true(row.endsWith('…'));
  t.false(row.includes('  s9'), row);
  t.true(row.slice(row.indexOf('sleep 30')).length <= COMMAND_MAX, row);
});

test('bidi overrides and zero-width characters in a command or client are shown, not obeyed', (t) => {
  const table = formatSessionsTable(
    [session('s1', { command: 'cat \u202Etxt.hsab', clientVersion: 'Open\u200BSSH\u2028x' })],
    now,
  );
  t.regex(table, /cat <U\+202E>txt\.hsab/);
  t.regex(table, /Open<U\+200B>SSH<U\+2028>x/);
  t.false(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(table.replaceAll('\n', '')));
});
