// `runAs:`: which OS user commands run as, from /etc/passwd, and what a root server does when the config says nothing.
import test from 'ava';
import { implicitRunAs, implicitRunAsWarning, resolveRunAs } from '../../src/config/run-as.ts';
import type { ConfigProblem } from '../../src/config/types.ts';

test('runAs resolves names from /etc/passwd, and needs root to switch user', (t) => {
  const problems: ConfigProblem[] = [];
  t.like(resolveRunAs({ user: 'nobody' }, problems, 0), { user: 'nobody', readSearchVia: undefined });
  t.is(resolveRunAs(undefined, problems, 1000), null, 'a server not started as root runs commands as itself');
  t.is(resolveRunAs('root', problems, 0), null);
  t.is(problems.length, 0);
  t.is(resolveRunAs({ user: 'nobody' }, problems, 1000), null);
  t.regex(problems[0]!.message, /needs the server to run as root/);
  t.is(resolveRunAs({ user: 'no-such-user-here' }, problems, 0), null);
  t.is(resolveRunAs({ user: 'root' }, problems, 0), null);
  t.regex(problems.at(-1)!.message, /write `runAs: root` to mean it/);
});

test('a root server with no runAs runs commands as nobody, never silently as root, and says so', (t) => {
  const problems: ConfigProblem[] = [];
  const runAs = resolveRunAs(undefined, problems, 0);
  t.like(runAs, { user: 'nobody', uid: 65534 });
  t.not(runAs?.uid, 0);
  t.deepEqual(problems, []);
  t.regex(implicitRunAsWarning(undefined, runAs, 0) ?? '', /no runAs: commands run as nobody \(uid 65534/);
  t.is(implicitRunAsWarning({ user: 'nobody' }, runAs, 0), null, 'no warning once the config chooses');
  t.is(implicitRunAsWarning('root', null, 0), null);
  t.is(implicitRunAsWarning(undefined, null, 1000), null);
  const probed: string[] = [];
  const works = (file: string) => (probed.push(file), true);
  const withSetpriv = implicitRunAs([], ['/no/such/setpriv', '/bin/sh'], works);
  t.is(withSetpriv?.readSearchVia, '/bin/sh', 'the first executable candidate is the setpriv used');
  t.deepEqual(probed, ['/bin/sh'], 'and it is tried before it is trusted');
  const without = implicitRunAs([], ['/no/such/setpriv'], works);
  t.is(without?.readSearchVia, undefined, 'without setpriv: plain nobody');
  t.regex(implicitRunAsWarning(undefined, without, 0) ?? '', /setpriv is missing, or this machine withholds/);
  const withheld = implicitRunAs([], ['/bin/sh'], () => false);
  t.like(
    withheld,
    { user: 'nobody', readSearchVia: undefined },
    'a machine that withholds the capability: plain nobody',
  );
});
