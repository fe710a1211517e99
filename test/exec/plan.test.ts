// What the runner spawns: the program as the given user and group, or setpriv keeping CAP_DAC_READ_SEARCH alone.
import test from 'ava';
import { canKeepReadSearch } from '../../src/exec/plan.ts';
import { exitCodeOf } from '../../src/exec/result.ts';
import { run } from './helpers.ts';

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
