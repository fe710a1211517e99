// The startups limits, pure: MaxStartups start:rate:full parsing, random early drop with a given random source, and
// the per-source count that keeps one source from taking what the others need.
import test from 'ava';
import { parseStartups } from '../../src/config/startups.ts';
import { shouldDrop, Startups } from '../../src/server/startups.ts';

test('maxStartups is a number (refuse from N on) or start:rate:full', (t) => {
  t.deepEqual(parseStartups(10), { ok: true, value: { start: 10, rate: 100, full: 10 } });
  t.deepEqual(parseStartups('10'), { ok: true, value: { start: 10, rate: 100, full: 10 } });
  t.deepEqual(parseStartups('10:30:100'), { ok: true, value: { start: 10, rate: 30, full: 100 } });
  t.deepEqual(parseStartups(' 5:0:5 '), { ok: true, value: { start: 5, rate: 0, full: 5 } });
});

const refused = test.macro((t, value: string | number, why: RegExp) => {
  const parsed = parseStartups(value);
  t.false(parsed.ok);
  if (!parsed.ok) t.regex(parsed.reason, why);
});
test('refuses 10:30 (two fields)', refused, '10:30', /start:rate:full/);
test('refuses a rate above 100', refused, '10:130:100', /percentage/);
test('refuses full below start', refused, '10:30:5', /full \(5\) must not be below start \(10\)/);
test('refuses start 0', refused, 0, /at least 1/);
test('refuses words', refused, 'ten', /not a number/);

test('below start nothing is dropped; at full everything is', (t) => {
  const limit = { start: 10, rate: 30, full: 100 };
  const always = () => 0; // the random draw that would drop whenever p > 0
  t.false(shouldDrop(limit, 9, always));
  t.true(shouldDrop(limit, 100, () => 0.999));
  t.true(shouldDrop(limit, 500, () => 0.999));
});

test('between start and full the drop probability rises linearly from rate% to 100%', (t) => {
  const limit = { start: 10, rate: 30, full: 100 };
  // p = 30 at 10, 65 at 55, ~99 at 99: a draw of r% is dropped when r < p.
  t.true(shouldDrop(limit, 10, () => 0.29));
  t.false(shouldDrop(limit, 10, () => 0.3));
  t.true(shouldDrop(limit, 55, () => 0.64));
  t.false(shouldDrop(limit, 55, () => 0.65));
  t.true(shouldDrop(limit, 99, () => 0.98));
  // Over many draws from a seeded generator, about p% are dropped.
  let seed = 42;
  const lcg = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  let dropped = 0;
  for (let i = 0; i < 10_000; i++) if (shouldDrop(limit, 55, lcg)) dropped++;
  t.log(`dropped ${dropped} of 10000 at p = 65%`);
  t.true(dropped > 6000 && dropped < 7000);
});

test('a plain number refuses every connection from N on, without a random draw', (t) => {
  const limit = { start: 2, rate: 100, full: 2 };
  t.false(shouldDrop(limit, 1, () => 0));
  t.true(shouldDrop(limit, 2, () => 0.999));
});

test('one source is capped at perSource while another still gets in', (t) => {
  const s = new Startups();
  const limit = { start: 100, rate: 30, full: 1000 };
  for (let i = 0; i < 10; i++) t.is(s.admit('127.0.0.2', limit, 10), null);
  t.is(s.admit('127.0.0.2', limit, 10), 'startups-per-source');
  t.is(s.admit('127.0.0.1', limit, 10), null);
  t.is(s.total, 11);
  s.release('127.0.0.2');
  t.is(s.of('127.0.0.2'), 9);
  t.is(s.admit('127.0.0.2', limit, 10), null, 'a released slot can be taken again');
});

test('the total is capped, with random early drop reported as such', (t) => {
  const s = new Startups();
  const limit = { start: 2, rate: 50, full: 4 };
  t.is(
    s.admit('a', limit, 10, () => 0),
    null,
  );
  t.is(
    s.admit('b', limit, 10, () => 0),
    null,
  );
  t.is(
    s.admit('c', limit, 10, () => 0),
    'random-early-drop',
  );
  t.is(
    s.admit('c', limit, 10, () => 0.99),
    null,
  );
  t.is(
    s.admit('d', limit, 10, () => 0.99),
    null,
  );
  t.is(
    s.admit('e', limit, 10, () => 0.99),
    'startups',
  );
  t.is(s.admit('e', { start: 4, rate: 100, full: 4 }, 10), 'startups');
});

test('releasing a source it does not count changes nothing', (t) => {
  const s = new Startups();
  s.release('nobody');
  t.is(s.total, 0);
});
