import test from 'ava';
import { parseListen, parsePort } from '../../src/cli/listen.ts';

test('--listen takes HOST:PORT, HOST, [V6]:PORT, [V6] and a bare IPv6 address', (t) => {
  t.deepEqual(parseListen('127.0.0.1:2222'), { ok: true, value: { host: '127.0.0.1', port: 2222 } });
  t.deepEqual(parseListen('localhost'), { ok: true, value: { host: 'localhost' } });
  t.deepEqual(parseListen('[::1]:2022'), { ok: true, value: { host: '::1', port: 2022 } });
  t.deepEqual(parseListen('[::1]'), { ok: true, value: { host: '::1' } });
  t.deepEqual(parseListen('::1'), { ok: true, value: { host: '::1' } });
  t.deepEqual(parseListen('0.0.0.0:0'), { ok: true, value: { host: '0.0.0.0', port: 0 } });
});

test('--listen refuses what is not an address and a port, saying how to write it', (t) => {
  for (const bad of [
    '',
    ':2222',
    '127.0.0.1:',
    '127.0.0.1:99999',
    '127.0.0.1:ssh',
    '[127.0.0.1]:22',
    'a b:22',
    '[::1',
  ]) {
    const r = parseListen(bad);
    t.false(r.ok, bad);
    if (!r.ok) t.regex(r.reason, /^--listen .*: write HOST:PORT, such as 127\.0\.0\.1:2222/);
  }
});

test('--port takes 0 to 65535 only', (t) => {
  t.deepEqual(parsePort('2222'), { ok: true, value: 2222 });
  for (const bad of ['', '-1', '65536', '22x', '1e3']) t.false(parsePort(bad).ok, bad);
});
