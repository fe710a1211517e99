import test from 'ava';
import { statusLine, type StatusInfo } from '../../../src/client/ui/status.ts';

const info: StatusInfo = {
  label: 'deploy@127.0.0.1:2222',
  role: 'operator',
  admin: false,
  state: 'connected',
  lastExit: 0,
  latencyMs: 3.4,
  below: 0,
  queued: 0,
};
const plain = { colour: false, unicode: false };
const untagged = (text: string) => text.replace(/\{[^}]*\}/g, '');

test('shows who, where, role, state, last exit, latency and keys when there is room', (t) => {
  t.is(
    untagged(statusLine(info, 120, plain)),
    ' deploy@127.0.0.1:2222 | operator | connected | exit 0 | 3 ms | F1 commands  ^D quit',
  );
});

test('drops the key hints first, then the latency, to fit 80 columns', (t) => {
  const line = untagged(statusLine({ ...info, below: 12 }, 80, plain));
  t.is(line, ' deploy@127.0.0.1:2222 | operator | connected | exit 0 | 12 more below (PgDn)');
  t.true(line.length <= 80);
});

test('shortens the key hints before it drops them', (t) => {
  const admin = { ...info, label: 'boss@127.0.0.1:35563', role: 'admin', admin: true, lastExit: null, latencyMs: 7 };
  t.is(
    untagged(statusLine(admin, 80, plain)),
    ' boss@127.0.0.1:35563 | admin | connected | 7 ms | F1 cmds  F2 sess  ^D quit',
  );
  t.regex(untagged(statusLine(admin, 120, plain)), /F1 commands {2}F2 sessions {2}\^D quit$/);
});

test('never grows past the width, however narrow', (t) => {
  for (const width of [10, 20, 40, 80]) t.true(untagged(statusLine(info, width, plain)).length < width, `${width}`);
});

test('marks admins whose role name does not say so', (t) => {
  t.regex(untagged(statusLine({ ...info, admin: true, role: 'ops' }, 120, plain)), /ops \(admin\)/);
  t.regex(untagged(statusLine({ ...info, admin: true, role: 'admin' }, 120, plain)), /\| admin \|/);
});

test('colours the state and the exit code only with colour', (t) => {
  t.regex(statusLine({ ...info, state: 'disconnected', lastExit: 1 }, 120, { colour: true, unicode: true }), /red-fg/);
  t.notRegex(statusLine({ ...info, state: 'disconnected', lastExit: 1 }, 120, plain), /-fg/);
});
