// The runner's entry point against real processes: exit codes, streams, environment, argv, cwd and stdin.
import test from 'ava';
import { tmpdir } from 'node:os';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { exitCodeOf } from '../../src/exec/result.ts';
import { PATH, run } from './helpers.ts';

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

test('an abort before the start runs nothing', async (t) => {
  const r = await run('/bin/echo', ['never'], { signal: AbortSignal.abort() }).done;
  t.true(r.canceled);
  t.is(r.stdoutBytes, 0);
  t.is(exitCodeOf(r), 130);
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

test('a relative program path is refused before anything runs', async (t) => {
  const r = await run('echo', ['hi']).done;
  t.is(r.errorCode, 'EINVAL');
  t.is(exitCodeOf(r), 126);
});
