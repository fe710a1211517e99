// The runner against real processes: exit codes, streams, environment, limits, process groups and backpressure.
// /bin/sh -c appears here only to build fixtures (a grandchild, a trap); Keyhole itself never runs a shell.
import test from 'ava';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { canKeepReadSearch, exitCodeOf, runCommand, type RunRequest, type RunResult } from '../../src/exec/run.ts';

/** A destination that keeps what it receives and announces each chunk. */
class Sink extends Writable {
  readonly chunks: Buffer[] = [];
  constructor(private readonly slow = false) {
    super({ highWaterMark: slow ? 1024 : 16 * 1024 });
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.chunks.push(chunk);
    this.emit('chunk');
    if (this.slow) setImmediate(done);
    else done();
  }
  get buffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
  get text(): string {
    return this.buffer.toString();
  }
}

const PATH = '/usr/local/bin:/usr/bin:/bin';

// Runs a program with defaults suited to tests; the sinks are returned for inspection.
function run(program: string, args: string[], extra: Partial<RunRequest> = {}) {
  const stdout = new Sink();
  const stderr = new Sink();
  const done = runCommand({
    program,
    args,
    env: { PATH },
    cwd: '/',
    timeoutMs: 0,
    maxOutputBytes: 0,
    stdout,
    stderr,
    ...extra,
  });
  return { done, stdout: (extra.stdout as Sink | undefined) ?? stdout, stderr };
}

// Whether a process is dead or dying: gone (ESRCH), a zombie that init has not reaped yet, or already exiting.
function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return true; // reaped between the two checks
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const PF_EXITING = 0x4;
  return fields[0] === 'Z' || fields[0] === 'X' || (Number(fields[6]) & PF_EXITING) !== 0;
}

// Waits until the sink has received a whole first line and returns it.
async function firstLine(sink: Sink): Promise<string> {
  while (!sink.text.includes('\n')) await once(sink, 'chunk');
  return sink.text.split('\n')[0]!;
}

const passesExitCode = test.macro(async (t, code: number) => {
  const r = await run('/bin/sh', ['-c', `exit ${code}`]).done;
  t.is(r.code, code);
  t.is(exitCodeOf(r), code);
});
for (const code of [0, 1, 3, 42, 255]) test(`passes exit code ${code} through`, passesExitCode, code);

test('keeps stdout and stderr apart', async (t) => {
  const { done, stdout, stderr } = run('/bin/sh', ['-c', 'echo out; echo err >&2']);
  const r = await done;
  t.is(stdout.text, 'out\n');
  t.is(stderr.text, 'err\n');
  t.is(r.stdoutBytes, 4);
  t.is(r.stderrBytes, 4);
});

test('gives the child exactly the environment it was given, nothing inherited', async (t) => {
  const env = { PATH, LANG: 'C.UTF-8', KEYHOLE_TEST: 'a b=c' };
  const { done, stdout } = run('/usr/bin/env', [], { env });
  await done;
  t.deepEqual(stdout.text.trimEnd().split('\n').sort(), ['KEYHOLE_TEST=a b=c', 'LANG=C.UTF-8', `PATH=${PATH}`]);
});

test('passes arguments literally, with no shell to expand them', async (t) => {
  const { done, stdout } = run('/bin/echo', ['$HOME', '; ls', '*', '$(id)']);
  await done;
  t.is(stdout.text, '$HOME ; ls * $(id)\n');
});

test('gives the program its basename as argv[0]', async (t) => {
  const script = 'process.stdout.write(process.argv0)';
  const { done, stdout } = run(process.execPath, ['-e', script]);
  await done;
  t.is(stdout.text, basename(process.execPath));
});

test('runs in the working directory it was given', async (t) => {
  const { done, stdout } = run('/bin/pwd', [], { cwd: tmpdir() });
  await done;
  t.is(stdout.text, `${tmpdir()}\n`);
});

const asRoot = process.getuid?.() === 0 ? test : test.skip;
asRoot('runs as the given user and group', async (t) => {
  const { done, stdout } = run('/usr/bin/id', ['-u'], { uid: 65534, gid: 65534 });
  await done;
  t.is(stdout.text, '65534\n');
});

const SETPRIV = '/usr/bin/setpriv';
asRoot('through setpriv: the given user, no groups, and CAP_DAC_READ_SEARCH as the only capability', async (t) => {
  t.true(canKeepReadSearch(SETPRIV, 65534, 65534), 'this machine lets root pass the capability on');
  t.false(canKeepReadSearch('/bin/false', 65534, 65534), 'a setpriv that fails is not trusted');
  const status = run('/bin/cat', ['/proc/self/status'], { uid: 65534, gid: 65534, readSearchVia: SETPRIV });
  t.is(exitCodeOf(await status.done), 0);
  const field = (name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'm').exec(status.stdout.text)?.[1]?.trim();
  t.regex(field('Uid') ?? '', /^65534\s+65534\s+65534\s+65534$/);
  t.is(field('Groups'), '');
  for (const set of ['CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb']) t.is(field(set), '0000000000000004', set);
  const missing = await run('/no/such/program', [], { uid: 65534, gid: 65534, readSearchVia: SETPRIV }).done;
  t.is(exitCodeOf(missing), 127, 'a program that cannot start says so, as without setpriv');
  t.regex(missing.error ?? '', /not found/);
});

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

test('an abort before the start runs nothing', async (t) => {
  const r = await run('/bin/echo', ['never'], { signal: AbortSignal.abort() }).done;
  t.true(r.canceled);
  t.is(r.stdoutBytes, 0);
  t.is(exitCodeOf(r), 130);
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
    await runCommand({
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

test('a destination that never drains does not stop a timeout from ending the run', async (t) => {
  const stalled = new Writable({ highWaterMark: 1024, write: () => {} });
  const r = await run('/usr/bin/yes', [], { stdout: stalled, timeoutMs: 200 }).done;
  t.true(r.timedOut);
});

test('passes stdin to the program when given', async (t) => {
  const { done, stdout } = run('/bin/cat', [], {
    stdin: Readable.from([Buffer.from('hello\n'), Buffer.from('world\n')]),
  });
  await done;
  t.is(stdout.text, 'hello\nworld\n');
});

test('without stdin the program reads an empty input', async (t) => {
  const { done, stdout } = run('/bin/cat', []);
  const r = await done;
  t.is(r.code, 0);
  t.is(stdout.text, '');
});

test('a missing program is reported, not thrown, as 127', async (t) => {
  const r = await run('/nonexistent/program', []).done;
  t.is(r.errorCode, 'ENOENT');
  t.regex(r.error ?? '', /^\/nonexistent\/program: not found/);
  t.is(r.code, null);
  t.is(exitCodeOf(r), 127);
});

test('a program that is not executable is reported as 126', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'keyhole-run-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'script');
  await writeFile(file, '#!/bin/sh\necho hi\n');
  await chmod(file, 0o644);
  const r = await run(file, []).done;
  t.is(r.errorCode, 'EACCES');
  t.is(exitCodeOf(r), 126);
});

test('a relative program path is refused before anything runs', async (t) => {
  const r = await run('echo', ['hi']).done;
  t.is(r.errorCode, 'EINVAL');
  t.is(exitCodeOf(r), 126);
});

const exitsWith = test.macro({
  exec(t, result: Partial<RunResult>, expected: number) {
    const base: RunResult = {
      code: null,
      signal: null,
      timedOut: false,
      truncated: false,
      canceled: false,
      durationMs: 0,
      stdoutBytes: 0,
      stderrBytes: 0,
    };
    t.is(exitCodeOf({ ...base, ...result }), expected);
  },
  title: (what = '', _result, expected) => `exitCodeOf: ${what} -> ${expected}`,
});
test('a timeout, even if the program then exited', exitsWith, { timedOut: true, code: 0 }, 124);
test('killed by SIGKILL', exitsWith, { signal: 'SIGKILL' }, 137);
test('killed by SIGINT', exitsWith, { signal: 'SIGINT', canceled: true }, 130);
test('a spawn error other than ENOENT', exitsWith, { error: 'x', errorCode: 'EPERM' }, 126);
test('a plain exit code', exitsWith, { code: 7 }, 7);
