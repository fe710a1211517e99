// The count of admin elevation attempts on its own, with a clock of the test's making: delays, lock-outs per user
// and per source, the window, and attempts under way counting against the limit.
import test from 'ava';
import { ElevationAttempts } from '../../src/server/elevation.ts';

const POLICY = { maxAdminFailures: 3, adminLockoutMs: 60_000, adminFailDelayMs: 1_000 };

function attempts() {
  const clock = { now: 0 };
  return {
    clock,
    guard: new ElevationAttempts(
      () => POLICY,
      () => clock.now,
    ),
  };
}

function fail(guard: ElevationAttempts, user: string, source: string) {
  const started = guard.begin(user, source);
  if (!started.ok) throw new Error(started.reason);
  return started.attempt.failed();
}

test('each wrong password doubles the wait, and the limit locks the user out', (t) => {
  const { guard } = attempts();
  t.deepEqual(
    [1, 2, 3].map(() => fail(guard, 'alice', '10.0.0.1')),
    [
      { delayMs: 1_000, lockedOut: false },
      { delayMs: 2_000, lockedOut: false },
      { delayMs: 4_000, lockedOut: true },
    ],
  );
  const refused = guard.begin('alice', '10.0.0.2');
  t.false(refused.ok);
  t.regex(refused.ok ? '' : refused.reason, /locked for user alice for 1 more min/);
});

test('a source is locked out across users', (t) => {
  const { guard } = attempts();
  ['a', 'b', 'c'].forEach((user) => fail(guard, user, '10.0.0.9'));
  const refused = guard.begin('d', '10.0.0.9');
  t.regex(refused.ok ? '' : refused.reason, /address 10\.0\.0\.9/);
  t.true(guard.begin('d', '10.0.0.8').ok, 'user d from elsewhere may still try');
});

test('attempts under way count, so parallel guesses cannot pass the limit', (t) => {
  const { guard } = attempts();
  const started = [1, 2, 3, 4].map(() => guard.begin('alice', '10.0.0.1'));
  t.deepEqual(
    started.map((s) => s.ok),
    [true, true, true, false],
  );
});

test('a right password and a cancelled one do not count; the lock-out and old failures expire', (t) => {
  const { clock, guard } = attempts();
  fail(guard, 'alice', '10.0.0.1');
  const cancelled = guard.begin('alice', '10.0.0.1');
  if (cancelled.ok) cancelled.attempt.cancelled();
  const passed = guard.begin('alice', '10.0.0.1');
  if (passed.ok) passed.attempt.passed();
  t.deepEqual(fail(guard, 'alice', '10.0.0.1'), { delayMs: 2_000, lockedOut: false }, 'the source keeps its failure');
  fail(guard, 'alice', '10.0.0.1');
  clock.now += 59_000;
  t.false(guard.begin('alice', '10.0.0.1').ok);
  clock.now += 61_000;
  const again = guard.begin('alice', '10.0.0.1');
  t.true(again.ok);
  t.deepEqual(again.ok && again.attempt.failed(), { delayMs: 1_000, lockedOut: false });
});
