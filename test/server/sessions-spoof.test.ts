// A user tries to forge rows of the admin's `sessions` table: a running command whose long argv would wrap into a
// fake row, and a bidi override (U+202E). The admin sees one clipped, escaped row per session.
import test from 'ava';
import { connectSsh2, execOn } from '../helpers/clients.ts';
import { withServer, PASSWORD } from '../helpers/server.ts';

// `hold` sleeps whatever its arguments, so the spoofed line stays the session's running command.
const hold = `{ program: /bin/sh, fixedArgs: ['-c', 'exec sleep 30', 'hold'], args: any, allowDangerousArgs: true }`;

test('a spoofed running command shows as one clipped, escaped row of sessions', async (t) => {
  const s = await withServer(t, { commands: { hold }, operatorCommands: ['hold'] });
  const victim = await connectSsh2(s.port, 'alice', { password: PASSWORD });
  t.teardown(() => victim.end());
  const fake = `s9   root      admin     10.0.0.1:22      OpenSSH_9.2  2025-01-01T11:00:00Z  1s    -`;
  const line = `hold "\u202Eevil\u200B" "${' '.repeat(70)}${fake}"`;
  victim.exec(line, (err, channel) => (err ? t.fail(err.message) : channel.resume()));
  await s.waitForAudit((r) => r.event === 'command' && r.allowed && r.argv[0] === 'hold');
  const admin = await connectSsh2(s.port, 'boss', { privateKey: s.keys.boss });
  t.teardown(() => admin.end());
  const table = await execOn(admin, 'sessions');
  t.is(table.code, 0, table.stderr);
  t.log(`\n${table.stdout}`);
  const lines = table.stdout.trimEnd().split('\n');
  t.is(lines.length, 1 + 2 + 1, 'a header, the two sessions, the count');
  const row = lines.find((l) => l.includes('alice'))!;
  t.true(row.endsWith('…'), row);
  t.false(
    lines.some((l) => /^s9\b/.test(l) || l.includes('  s9 ')),
    'no fake row',
  );
  t.false(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(lines.join('')), 'no control or format characters');
  t.true(row.includes('hold "<U+202E>evil<U+200B>" '), row);
});
