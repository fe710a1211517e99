// Per-source penalties, pure: time is passed in.
import test from 'ava';
import { DEFAULT_PENALTIES } from '../../src/config/defaults.ts';
import { isExempt, Penalties, sourceOf } from '../../src/server/penalties.ts';

test('a source is refused once its penalty passes the threshold, and only that source', (t) => {
  const p = new Penalties(DEFAULT_PENALTIES);
  const now = 1_000_000;
  for (let i = 0; i < 3; i++) p.add('10.0.0.1', 'authfail', now);
  t.false(p.refused('10.0.0.1', now), '15 s is not above the 15 s threshold');
  p.add('10.0.0.1', 'authfail', now);
  t.true(p.refused('10.0.0.1', now));
  t.false(p.refused('10.0.0.2', now));
  t.false(p.refused('10.0.0.1', now + 20_001), 'the penalty runs out');
});

test('penalties grow up to the cap and never beyond', (t) => {
  const p = new Penalties(DEFAULT_PENALTIES);
  for (let i = 0; i < 1000; i++) p.add('10.0.0.1', 'authfail', 0);
  t.is(p.remaining('10.0.0.1', 0), DEFAULT_PENALTIES.maxSec);
});

test('exempt sources are never penalised', (t) => {
  const p = new Penalties(DEFAULT_PENALTIES, (s) => s === '127.0.0.1');
  for (let i = 0; i < 10; i++) p.add('127.0.0.1', 'authfail', 0);
  t.false(p.refused('127.0.0.1', 0));
});

test('the table of sources is bounded', (t) => {
  const p = new Penalties({ ...DEFAULT_PENALTIES, maxSources: 3 });
  for (const ip of ['1.1.1.1', '2.2.2.2', '3.3.3.3', '4.4.4.4']) for (let i = 0; i < 5; i++) p.add(ip, 'authfail', 0);
  t.false(p.refused('1.1.1.1', 0), 'the oldest was forgotten');
  t.true(p.refused('4.4.4.4', 0));
});

test('sources are IPv4 addresses and IPv6 /64 blocks', (t) => {
  t.is(sourceOf('192.0.2.7'), '192.0.2.7');
  t.is(sourceOf('::ffff:192.0.2.7'), '192.0.2.7');
  t.is(sourceOf('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
  t.is(sourceOf('2001:db8:1:2:bbbb::9'), sourceOf('2001:db8:1:2:aaaa::1'));
  t.is(sourceOf('::1'), '0:0:0:0::/64');
});

test('exempt entries match whether written as an address or as its block', (t) => {
  const exempt = ['127.0.0.1', '2001:db8::1', 'fd00:1:2:3::/64'];
  t.true(isExempt(exempt, sourceOf('127.0.0.1')));
  t.true(isExempt(exempt, sourceOf('::ffff:127.0.0.1')), 'an IPv4-mapped address is its IPv4 address');
  t.true(isExempt(exempt, sourceOf('2001:db8::99')), 'another host of the same /64 as an address listed');
  t.true(isExempt(exempt, sourceOf('fd00:1:2:3:4:5:6:7')));
  t.false(isExempt(exempt, sourceOf('2001:db8:0:1::1')));
  t.false(isExempt(exempt, sourceOf('10.0.0.1')));
});
