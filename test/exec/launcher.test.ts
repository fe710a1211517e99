// The launcher processes that spawn commands for Keyhole: the pipes they hand over, and what happens when one dies.
import test from 'ava';
import { Writable } from 'node:stream';
import { launcherPids, startLaunchers } from '../../src/exec/launcher.ts';
import { exitCodeOf, runCommand, type RunRequest } from '../../src/exec/run.ts';
import { descendantNamed, liveDescendants, liveProcessesRunning } from '../helpers/processes.ts';

class Text extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
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

test.serial('commands are the launchers’ children, not this process’s', async (t) => {
  startLaunchers();
  const launchers = launcherPids();
  t.true(launchers.length >= 1);
  const run = runCommand(request('/bin/sleep', ['4242']));
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
      runCommand(request('/bin/sh', ['-c', 'echo up; exec sleep 4343'], { stdout })),
    );
    while (!outputs.every((o) => o.text === 'up\n')) await pause(20);
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
    const next = await runCommand(request('/bin/echo', ['again'], { stdout }));
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
  const runs = before.map(() => runCommand(request('/bin/sleep', ['4444'])));
  // Kill as soon as the commands exist: their pipes may still be on the way.
  while (liveDescendants().filter((p) => p.endsWith(' sleep')).length < runs.length) await pause(5);
  for (const pid of before) process.kill(pid, 'SIGKILL');
  for (const result of await Promise.all(runs)) {
    t.true(
      result.signal === 'SIGKILL' || result.errorCode === 'ELAUNCHER',
      `killed, or failed to start: ${JSON.stringify(result)}`,
    );
    t.not(exitCodeOf(result), 0);
  }
  await waitFor(() => liveProcessesRunning('sleep 4444').length === 0);
  t.pass('no command is left running without a supervisor, here or reparented');
});

test.serial('stdin is handed over too: a command reads what the client sends', async (t) => {
  const { Readable } = await import('node:stream');
  const stdout = new Text();
  const result = await runCommand(
    request('/bin/cat', [], { stdin: Readable.from([Buffer.from('one\n'), Buffer.from('two\n')]), stdout }),
  );
  t.is(result.code, 0);
  t.is(stdout.text, 'one\ntwo\n');
});

async function readStat(pid: number): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  return readFile(`/proc/${pid}/stat`, 'utf8');
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Polls a condition that has no event (a process gone); bounded by ava's test timeout.
async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await pause(20);
}
