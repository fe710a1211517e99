// Output forwarding against real processes: the output cap, backpressure, and destinations that close or stall.
import test from 'ava';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { exitCodeOf } from '../../src/exec/result.ts';
import { runProcess } from '../../src/exec/run.ts';
import { Sink, run } from './helpers.ts';

test('the output cap truncates a flood at exactly the cap', async (t) => {
  const { done, stdout, stderr } = run('/usr/bin/yes', [], { maxOutputBytes: 100_000 });
  const r = await done;
  t.true(r.truncated);
  t.false(r.timedOut);
  t.is(stdout.buffer.length + stderr.buffer.length, 100_000);
  t.is(r.stdoutBytes + r.stderrBytes, 100_000);
  t.is(exitCodeOf(r), 143);
});

test('output that exactly fills the cap is not truncated', async (t) => {
  const r = await run('/usr/bin/head', ['-c', '5000', '/dev/zero'], { maxOutputBytes: 5000 }).done;
  t.false(r.truncated);
  t.is(r.code, 0);
});

// A destination that takes a while for each write (a busy ssh channel), recording how it was used.
function slowSink() {
  const sink = new Sink(true);
  const stats = { refused: 0, mostQueued: 0 };
  const write = sink.write.bind(sink);
  sink.write = ((chunk: Buffer) => {
    stats.mostQueued = Math.max(stats.mostQueued, sink.writableLength + chunk.length);
    return write(chunk) || (stats.refused++, false);
  }) as typeof sink.write;
  return { sink, stats };
}
// What a paused child can have queued at most: the destination's highWaterMark plus a pipe read or two.
const QUEUE_BOUND = 1024 + 2 * 65536;

test('a slow destination still receives every byte, in order', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'keyhole-run-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const data = randomBytes(5_000_000);
  await writeFile(join(dir, 'data'), data);
  const { sink, stats } = slowSink();
  const r = await run('/usr/bin/head', ['-c', '5000000', join(dir, 'data')], { stdout: sink }).done;
  t.is(r.code, 0);
  t.true(stats.refused > 0, 'the destination pushed back');
  t.true(stats.mostQueued <= QUEUE_BOUND, 'the child was paused instead of queueing in memory');
  t.true(sink.buffer.equals(data));
});

test('backpressure still holds for output that outlives the leader', async (t) => {
  // The leader exits at once; a grandchild that ignores SIGTERM keeps writing 3 MB through the inherited pipe.
  const script = '(trap "" TERM; head -c 3000000 /dev/zero) & exit 0';
  const { sink, stats } = slowSink();
  const r = await run('/bin/sh', ['-c', script], { stdout: sink, killGraceMs: 30_000 }).done;
  t.is(r.code, 0);
  t.is(sink.buffer.length, 3_000_000);
  t.true(stats.mostQueued <= QUEUE_BOUND, 'the pipe was paused again after Node resumed it on exit');
});

test('leaves no listeners behind on a destination used by many runs', async (t) => {
  const channel = new PassThrough();
  channel.resume();
  for (let i = 0; i < 20; i++) {
    await runProcess({
      program: '/bin/echo',
      args: ['hi'],
      env: {},
      cwd: '/',
      timeoutMs: 0,
      maxOutputBytes: 0,
      stdout: channel,
      stderr: channel,
    });
  }
  t.is(channel.listenerCount('drain'), 0);
  t.is(channel.listenerCount('close'), 0);
});

test('does not write to a destination that is already destroyed', async (t) => {
  const closed = new Sink();
  closed.destroy();
  await once(closed, 'close');
  const r = await run('/usr/bin/head', ['-c', '1000000', '/dev/zero'], { stdout: closed }).done;
  t.is(r.code, 0);
  t.is(r.stdoutBytes, 0);
});

test('a destination that closes while full lets the run finish', async (t) => {
  // Takes one write and never finishes it, then goes away as a channel closed by its client would.
  const closing: Writable = new Writable({ highWaterMark: 1024, write: () => setImmediate(() => closing.destroy()) });
  const r = await run('/usr/bin/head', ['-c', '1000000', '/dev/zero'], { stdout: closing }).done;
  t.is(r.code, 0);
  t.true(r.stdoutBytes < 1_000_000);
});
