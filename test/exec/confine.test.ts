// The confinement helper on its own (src/native/confine.c), and through the runner: the probe, its exit codes and
// one-line errors, the Landlock domain, rlimits, the user switch and no_new_privs against a setuid binary.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { HELPER_PATH, probeHelper, type ConfinePlan } from '../../src/exec/confine.ts';
import { programFiles } from '../../src/exec/program-files.ts';
import { confinementWarning, resolveConfinement, SYSTEM_READ, SYSTEM_WRITE } from '../../src/config/confinement.ts';
import type { ConfigProblem } from '../../src/config/types.ts';
import { run } from './helpers.ts';

const probe = probeHelper();
const withHelper = probe.helper && probe.landlockAbi > 0 ? test : test.skip;
const asRoot = probe.helper && process.getuid?.() === 0 ? test : test.skip;

// Runs the helper with the files `program` needs, the system list, and `extra` options.
function confine(extra: string[], program: string, args: string[] = []) {
  const needs = programFiles(program).flatMap((f) => ['--rx', f]);
  const system = [...SYSTEM_READ.flatMap((p) => ['--ro', p]), ...SYSTEM_WRITE.flatMap((p) => ['--rw', p])];
  return spawnSync(HELPER_PATH, [...needs, ...system, ...extra, '--', program, ...args], { encoding: 'utf8' });
}

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyhole-confine-'));
  chmodSync(dir, 0o755);
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('the probe says which Landlock ABI this kernel has', (t) => {
  t.log(probe);
  t.true(probe.helper, probe.reason ?? '');
});

withHelper('a missing program is exit 127, a bad option 126, each with one line on stderr', (t) => {
  const missing = spawnSync(HELPER_PATH, ['--', '/nonexistent/program'], { encoding: 'utf8' });
  t.is(missing.status, 127);
  t.is(missing.stderr, 'keyhole-confine: /nonexistent/program: No such file or directory\n');
  const bad = spawnSync(HELPER_PATH, ['--frobnicate', '--', '/bin/true'], { encoding: 'utf8' });
  t.is(bad.status, 126);
  t.regex(bad.stderr, /^keyhole-confine: --frobnicate: .+\n$/);
});

withHelper('reads beneath --ro roots only; writes beneath --rw roots only', (t) => {
  const dir = tempDir(t);
  writeFileSync(path.join(dir, 'in.txt'), 'inside\n');
  t.is(confine(['--ro', dir], '/bin/cat', [path.join(dir, 'in.txt')]).stdout, 'inside\n');
  const outside = confine(['--ro', dir], '/bin/cat', ['/etc/hostname']);
  t.regex(outside.stderr, /Permission denied/);
  t.is(confine(['--ro', dir], '/usr/bin/touch', [path.join(dir, 'new')]).status, 1);
  t.is(confine(['--rw', dir], '/usr/bin/touch', [path.join(dir, 'new')]).status, 0);
});

withHelper('rlimits are set for the program', (t) => {
  const limits = confine(['--rlimit', 'nofile=32', '--rlimit', 'fsize=4096'], '/bin/cat', ['/proc/self/limits']);
  t.regex(limits.stdout, /^Max open files\s+32\s+32\s/m);
  t.regex(limits.stdout, /^Max file size\s+4096\s+4096\s/m);
});

asRoot('a setuid-root binary it may execute still runs as the dropped uid (no_new_privs)', (t) => {
  const dir = tempDir(t);
  const planted = path.join(dir, 'id');
  copyFileSync('/usr/bin/id', planted);
  chmodSync(planted, 0o4755);
  const libs = programFiles('/usr/bin/id').flatMap((f) => ['--rx', f]);
  const r = confine([...libs, '--rx', dir, '--uid', '65534', '--gid', '65534'], '/usr/bin/env', [planted, '-u']);
  t.is(r.stdout.trim(), '65534', r.stderr);
  const status = confine(['--uid', '65534', '--gid', '65534', '--keep-read-search'], '/bin/cat', ['/proc/self/status']);
  t.regex(status.stdout, /^NoNewPrivs:\s+1$/m);
  t.regex(status.stdout, /^CapEff:\s+0+4$/m, 'CAP_DAC_READ_SEARCH alone');
  t.regex(status.stdout, /^Groups:\s*$/m, 'no supplementary groups');
});

withHelper('the runner spawns through the helper when the request has a plan', async (t) => {
  const plan: ConfinePlan = {
    helper: HELPER_PATH,
    read: SYSTEM_READ,
    exec: programFiles('/bin/cat'),
    write: SYSTEM_WRITE,
    network: false,
    rlimits: { as: 2 ** 32, cpu: 10, fsize: 2 ** 20, nofile: 64, nproc: 512 },
    requireLandlock: true,
  };
  const { done, stdout } = run('/bin/cat', ['/proc/self/status'], { confine: plan });
  const result = await done;
  t.is(result.code, 0);
  t.regex(stdout.text, /^Name:\s+cat$/m, 'the pid is the program: the helper exec’d it');
  t.regex(stdout.text, /^NoNewPrivs:\s+1$/m);
  const denied = run('/bin/cat', ['/etc/hostname'], { confine: plan });
  t.is((await denied.done).code, 1);
});

test('never silently weaker: a missing helper or Landlock is a warning in auto and a problem when required', (t) => {
  const none = () => ({ helper: false, landlockAbi: 0, reason: 'the confinement helper was not built' });
  const old = () => ({ helper: true, landlockAbi: 3 });
  const problems: ConfigProblem[] = [];
  const auto = resolveConfinement('auto', problems, none);
  t.deepEqual(problems, []);
  t.regex(confinementWarning(auto) ?? '', /^COMMANDS RUN UNCONFINED: the confinement helper was not built/);
  resolveConfinement('required', problems, none);
  t.is(problems.length, 1);
  t.regex(problems[0]!.message, /^confinement is required, but the confinement helper was not built$/);
  const older = resolveConfinement(undefined, [], old);
  t.regex(confinementWarning(older) ?? '', /Landlock ABI 3, without TCP rules, signal and abstract-socket scoping/);
  t.regex(confinementWarning(resolveConfinement('off', [], old)) ?? '', /^confinement: off/);
});
