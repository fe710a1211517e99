// Per-source turns for password checks: one at a time per source, other sources never wait behind it.
import test from 'ava';
import { Turns } from '../../src/server/turns.ts';

test('a source waits for its own earlier check, another source goes at once', async (t) => {
  const turns = new Turns();
  const order: string[] = [];
  const first = await turns.take('127.0.0.2');
  const second = turns.take('127.0.0.2').then((end) => (order.push('attacker 2'), end));
  const other = await turns.take('127.0.0.1');
  order.push('user');
  other();
  t.deepEqual(order, ['user'], "the attacker's second check still waits");
  first();
  first(); // ending a turn twice does not let a third one in early
  const end = await second;
  t.deepEqual(order, ['user', 'attacker 2']);
  let third = false;
  const pending = turns.take('127.0.0.2').then((e) => ((third = true), e));
  await new Promise((resolve) => setImmediate(resolve));
  t.false(third);
  end();
  (await pending)();
  t.true(third);
});
