// The launcher processes that spawn commands for Keyhole: the pipes they hand over, and what happens when one dies.
import test from 'ava';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { existsSync } from 'node:fs';
import { launcherPids, spawnMethod, startLaunchers } from '../../src/exec/launcher.ts';
import { runProcess } from '../../src/exec/run.ts';
import { exitCodeOf } from '../../src/exec/result.ts';
import type { RunRequest } from '../../src/exec/request.ts';
import { descendantNamed, liveDescendants, liveProcessesRunning, processesSettle } from '../helpers/processes.ts';

/** Keeps what is written, and announces each write. */
class Text extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    this.emit('chunk');
    done();
  }
}

/** Resolves once the sink holds `text`. */
async function holds(sink: Text, text: string): Promise<void> {
  while (sink.text !== text) await once(sink, 'chunk');
}

const request = (program: string, args: string[], extra: Partial<RunRequest> = {}): RunRequest => ({
  program,
  args,
  env: { PATH: '/usr/bin:/bin' },
  cwd: '/',
  timeoutMs: 0,
  maxOutputBytes: 0,
  stdout: new Text(),
  stderr: new Text(),
  ...extra,
});

// KEYHOLE_NATIVE_SPAWN=0 turns the addon off, to run this file (or the suite) on the child_process path.
const nativeExpected =
  existsSync(new URL('../../src/native/build/Release/keyhole_spawn.node', import.meta.url)) &&
  process.env.KEYHOLE_NATIVE_SPAWN !== '0';

test.serial('the launchers spawn with posix_spawn when the addon is built, else child_process', async (t) => {
  t.is(await spawnMethod(), nativeExpected ? 'posix_spawn' : 'child_process');
});

test.serial(
  'a command gets its stdio and nothing else: no other descriptor, no blocked or ignored signal',
  async (t) => {
    const fds = new Text();
    await runProcess(request('/bin/ls', ['/proc/self/fd'], { stdout: fds }));
    // Also none that Keyhole inherited without close-on-exec (a test harness may hold one): posix_spawn
    // closes them, and the launchers close theirs at start for the child_process path.
    t.deepEqual(fds.text.split('\n').filter(Boolean), ['0', '1', '2', '3'], 'ls sees its stdio and its own listing');
    const status = new Text();
    await runProcess(request('/bin/cat', ['/proc/self/status'], { stdout: status }));
    t.regex(status.text, /^SigBlk:\s+0+$/m);
    // Signals 1-31 all at their defaults (Node ignores SIGPIPE and SIGXFSZ). 32 and 33 are glibc's own (its
    // posix_spawn leaves them ignored, and glibc programs reinstall them): no program uses them as signals.
    const ignored = BigInt(`0x${/^SigIgn:\s+([0-9a-f]+)$/m.exec(status.text)?.[1] ?? 'ffffffff'}`);
    t.is(ignored & 0x7fffffffn, 0n, 'SIGPIPE, SIGXFSZ and the rest of 1-31 are not ignored as they are in Node');
    const session = /^NSsid:\s+(\d+)$/m.exec(status.text)?.[1];
    const pid = /^Pid:\s+(\d+)$/m.exec(status.text)?.[1];
    t.is(session, pid, 'the command leads a session (and process group) of its own');
  },
);

test.serial('commands are the launchers’ children, not this process’s', async (t) => {
  startLaunchers();
  const launchers = launcherPids();
  t.true(launchers.length >= 1);
  const run = runProcess(request('/bin/sleep', ['4242']));
  const pid = await descendantNamed('sleep');
  const parent = Number(/^\d+ \(.*\) \S+ (\d+)/.exec(await readStat(pid))![1]);
  t.true(launchers.includes(parent), 'spawned by a launcher, so the fork did not block this event loop');
  process.kill(-pid, 'SIGTERM');
  t.is((await run).signal, 'SIGTERM');
});

test.serial(
  'a launcher killed mid-command: its command is killed too and ends as SIGKILL; the next one runs',
  async (t) => {
    startLaunchers();
    const before = launcherPids();
    // One command on each launcher, each saying when it runs: its output is here, so its pipes were handed over.
    const outputs = before.map(() => new Text());
    const runs = outputs.map((stdout) =>
      runProcess(request('/bin/sh', ['-c', 'echo up; exec sleep 4343'], { stdout })),
    );
    await Promise.all(outputs.map((o) => holds(o, 'up\n')));
    for (const pid of before) process.kill(pid, 'SIGKILL');
    for (const result of await Promise.all(runs)) {
      t.like(result, { code: null, signal: 'SIGKILL' });
      t.is(exitCodeOf(result), 137);
    }
    t.false(
      liveDescendants().some((p) => p.endsWith(' sleep')),
      'no command is left running without a supervisor',
    );
    const stdout = new Text();
    const next = await runProcess(request('/bin/echo', ['again'], { stdout }));
    t.is(next.code, 0);
    t.is(stdout.text, 'again\n');
    t.true(
      launcherPids().every((pid) => !before.includes(pid)),
      'new launchers replaced the dead ones',
    );
  },
);

test.serial('a launcher killed while handing a command over: the command is killed, and fails to start', async (t) => {
  startLaunchers();
  const before = launcherPids();
  const runs = before.map(() => runProcess(request('/bin/sleep', ['4444'])));
  // Kill as soon as the commands exist: their pipes may still be on the way.
  await processesSettle(() => liveDescendants().filter((p) => p.endsWith(' sleep')).length >= runs.length);
  for (const pid of before) process.kill(pid, 'SIGKILL');
  for (const result of await Promise.all(runs)) {
    t.true(
      result.signal === 'SIGKILL' || result.errorCode === 'ELAUNCHER',
      `killed, or failed to start: ${JSON.stringify(result)}`,
    );
    t.not(exitCodeOf(result), 0);
  }
  await processesSettle(() => liveProcessesRunning('sleep 4444').length === 0);
  t.pass('no command is left running without a supervisor, here or reparented');
});

test.serial('stdin is handed over too: a command reads what the client sends', async (t) => {
  const { Readable } = await import('node:stream');
  const stdout = new Text();
  const result = await runProcess(
    request('/bin/cat', [], { stdin: Readable.from([Buffer.from('one\n'), Buffer.from('two\n')]), stdout }),
  );
  t.is(result.code, 0);
  t.is(stdout.text, 'one\ntwo\n');
});

async function readStat(pid: number): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  return readFile(`/proc/${pid}/stat`, 'utf8');
}

// Node emits 'disconnect' only once no sent handle awaits its acknowledgement: Keyhole killed between a launcher's
// pid message and the ACK of the pipe after it left the launcher deaf to its death, and its command running.
test.serial('Keyhole killed before it acknowledges a pipe: the launcher still ends the command', async (t) => {
  const fixture = new URL('./fixtures/dies-before-ack.mjs', import.meta.url);
  const { execFile } = await import('node:child_process');
  const parent = execFile(process.execPath, [fixture.pathname, '4545'], { encoding: 'utf8' });
  let said = '';
  parent.stdout!.on('data', (chunk: string) => (said += chunk));
  const [, signal] = (await once(parent, 'exit')) as [number | null, string | null];
  t.is(signal, 'SIGKILL', 'the stand-in killed itself on the pid message');
  const [launcher, command] = said.trim().split(' ').map(Number);
  t.teardown(() => {
    for (const pid of [...liveProcessesRunning('/usr/bin/sleep 4545'), launcher!]) {
      try {
        process.kill(pid, 'SIGKILL'); // ours: started by the fixture this test ran
      } catch {
        // gone, as it should be
      }
    }
  });
  t.true(command! > 0);
  // No event tells this process when another's orphan ends: before the fix this waited until ava's timeout.
  await processesSettle(() => liveProcessesRunning('/usr/bin/sleep 4545').length === 0);
  t.pass('the command did not outlive Keyhole');
});
