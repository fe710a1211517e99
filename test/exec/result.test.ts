// Results: a spawn that fails is reported, not thrown, with the exit status a shell would give; and exitCodeOf's table.
import test from 'ava';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exitCodeOf, type ProcessResult } from '../../src/exec/result.ts';
import { run } from './helpers.ts';

test('a missing program is reported, not thrown, as 127', async (t) => {
  const r = await run('/nonexistent/program', []).done;
  t.is(r.errorCode, 'ENOENT');
  t.regex(r.error ?? '', /^\/nonexistent\/program: program not found; install it or fix/);
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

const exitsWith = test.macro({
  exec(t, result: Partial<ProcessResult>, expected: number) {
    const base: ProcessResult = {
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
