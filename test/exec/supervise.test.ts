// Supervision against real processes: timeouts, SIGKILL after the grace, aborts, and process groups.
import test from 'ava';
import { Writable } from 'node:stream';
import { exitCodeOf } from '../../src/exec/result.ts';
import { firstLine, isGone, run } from './helpers.ts';

test('a timeout kills the command and is reported as 124', async (t) => {
  const r = await run('/bin/sleep', ['30'], { timeoutMs: 200 }).done;
  t.true(r.timedOut);
  t.is(r.signal, 'SIGTERM');
  t.is(exitCodeOf(r), 124);
});

test('a program that ignores SIGTERM is killed with SIGKILL', async (t) => {
  const r = await run('/bin/sh', ['-c', 'trap "" TERM; sleep 30'], { timeoutMs: 200, killGraceMs: 200 }).done;
  t.true(r.timedOut);
  t.is(r.signal, 'SIGKILL');
});

test('abort kills the whole process group, including a backgrounded grandchild', async (t) => {
  const controller = new AbortController();
  t.timeout(20_000, 'the grandchild kept the output open: the group was not killed');
  const { done, stdout } = run('/bin/sh', ['-c', 'sleep 300 & echo $!; wait'], { signal: controller.signal });
  const grandchild = Number(await firstLine(stdout));
  t.false(isGone(grandchild));
  controller.abort();
  const r = await done;
  t.true(r.canceled);
  t.is(r.signal, 'SIGTERM');
  t.true(isGone(grandchild));
});

test('a background job does not outlive the command that started it', async (t) => {
  const { done, stdout } = run('/bin/sh', ['-c', 'sleep 300 & echo $!'], { timeoutMs: 20_000 });
  const r = await done;
  t.is(r.code, 0);
  t.false(r.timedOut);
  t.true(isGone(Number(stdout.text.trim())));
});

test('a destination that never drains does not stop a timeout from ending the run', async (t) => {
  const stalled = new Writable({ highWaterMark: 1024, write: () => {} });
  const r = await run('/usr/bin/yes', [], { stdout: stalled, timeoutMs: 200 }).done;
  t.true(r.timedOut);
});
