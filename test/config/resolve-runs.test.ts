// `runs:`: the other programs a command may start, resolved to the files each needs (added to its exec rights), and
// the `#!/usr/bin/env NAME` shebang, which grants NAME as env finds it.
import { chmodSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { findInPath, programFiles } from '../../src/exec/program-files.ts';
import type { CommandSpec } from '../../src/config/types.ts';
import { base, load, problem } from './helpers.ts';

// A fresh directory, removed after the test.
function tempDir(t: { teardown: (fn: () => void) => void }): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'keyhole-runs-')));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function script(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  chmodSync(file, 0o755);
  return file;
}

function command(yaml: string, name: string): CommandSpec {
  const r = load(yaml);
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.config.commands.get(name)!;
}

const sh = realpathSync('/bin/sh');
const echo = realpathSync('/bin/echo');

test('a #!/usr/bin/env NAME script also grants NAME found in PATH, with its own files', (t) => {
  const dir = tempDir(t);
  const files = programFiles(script(dir, 'plain', '#!/usr/bin/env sh\necho hi\n'));
  t.true(files.includes(realpathSync('/usr/bin/env')));
  t.true(files.includes(sh));
  t.deepEqual(
    programFiles(script(dir, 'split', '#!/usr/bin/env -S sh -e\necho hi\n')),
    files.map((f) => (f.endsWith('/plain') ? path.join(dir, 'split') : f)),
  );
  t.true(programFiles(script(dir, 'assign', '#!/usr/bin/env -i LC_ALL=C sh\n')).includes(sh));
});

test('a #!/usr/bin/env NAME that is nowhere in PATH grants only env (the script fails as it would unconfined)', (t) => {
  const dir = tempDir(t);
  const files = programFiles(script(dir, 'missing', '#!/usr/bin/env no-such-program-keyhole\n'));
  t.true(files.includes(realpathSync('/usr/bin/env')));
  t.false(files.some((f) => f.includes('no-such-program-keyhole')));
});

test('findInPath resolves bare names to real paths, and null for names it does not find', (t) => {
  t.is(findInPath('echo'), echo);
  t.is(findInPath('no-such-program-keyhole'), null);
});

test('runs: names and absolute paths add their files to the exec list, without duplicates', (t) => {
  const spec = command(base('  echo: { program: /bin/echo, args: any, runs: [sh, /bin/echo] }'), 'echo');
  const exec = spec.confinement!.programFiles;
  t.true(exec.includes(sh));
  t.true(programFiles(sh).every((f) => exec.includes(f)));
  t.is(exec.length, new Set(exec).size);
  t.is(exec[0], echo, 'the program itself stays first');
});

test('runs: a directory grants each executable file in it (not its subdirectories), with their files', (t) => {
  const dir = tempDir(t);
  script(dir, 'a.sh', '#!/bin/sh\n');
  writeFileSync(path.join(dir, 'data.txt'), 'not a program');
  symlinkSync('/no/such/target', path.join(dir, 'dangling'));
  script(tempDir(t), 'elsewhere', '#!/bin/sh\n');
  const exec = command(base(`  echo: { program: /bin/echo, args: any, runs: [${dir}] }`), 'echo').confinement!
    .programFiles;
  t.true(exec.includes(path.join(dir, 'a.sh')));
  t.true(exec.includes(sh));
  t.false(exec.includes(path.join(dir, 'data.txt')));
  t.false(exec.includes(path.join(dir, 'dangling')));
});

test(
  'a runs: name not in PATH',
  problem,
  base('  echo: { program: /bin/echo, args: any, runs: [no-such-program-keyhole] }'),
  /commands\.echo\.runs\.0: 'no-such-program-keyhole' was not found in PATH: \/usr\/local\/sbin:/,
);
test(
  'a runs: path that does not exist',
  problem,
  base('  echo: { program: /bin/echo, args: any, runs: [/bin/sh, /no/such/program] }'),
  /commands\.echo\.runs\.1: '\/no\/such\/program' does not exist/,
);
test(
  'a relative runs: path',
  problem,
  base('  echo: { program: /bin/echo, args: any, runs: [bin/sh] }'),
  /commands\.echo\.runs\.0: must be an absolute path or a bare name found in PATH/,
);

test('refuses runs: that would need more rules than the helper holds', (t) => {
  const dir = tempDir(t);
  for (let i = 0; i < 520; i++) script(dir, `p${i}`, '#!/bin/sh\n');
  const r = load(base(`  echo: { program: /bin/echo, args: any, runs: [${dir}] }`));
  t.false(r.ok);
  if (!r.ok)
    t.true(
      r.errors.some((e) => /commands\.echo\.runs: needs \d+ confinement rules .* more than the helper's 512/.test(e)),
      r.errors.join('\n'),
    );
});
