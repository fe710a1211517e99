// `keyhole hash-password` at a real terminal (tmux): the password is asked twice without echo, and a person typing
// one under 12 characters is refused (a script piping one in is only warned: test/cli/cli.test.ts).
import test from 'ava';
import { closeTmux, Terminal } from '../client/ui/tmux.ts';
import { KEYHOLE_BIN } from '../helpers/cli.ts';

test.after.always(() => closeTmux());

async function hashAt(t: { teardown(fn: () => Promise<void>): void }, args: string[] = []): Promise<Terminal> {
  const term = await Terminal.start([process.execPath, KEYHOLE_BIN, 'hash-password', ...args], {});
  t.teardown(() => term.close());
  await term.waitFor(/Password:/);
  return term;
}

test('a short password typed at the prompt is refused and nothing is printed', async (t) => {
  const term = await hashAt(t);
  await term.line('s3cret');
  await term.waitFor(/Again:/);
  await term.line('s3cret');
  const screen = await term.waitFor(/\[exited \d+\]/);
  t.regex(screen, /keyhole: the password has 6 characters; use at least 12 \(or --allow-short\); nothing was printed/);
  t.regex(screen, /\[exited 1\]/);
  t.notRegex(screen, /s3cret|\$scrypt\$/, 'neither echoed nor hashed');
});

test('--allow-short takes it; a long one needs no flag', async (t) => {
  const short = await hashAt(t, ['--allow-short']);
  await short.line('s3cret');
  await short.waitFor(/Again:/);
  await short.line('s3cret');
  t.regex(await short.waitFor(/\[exited \d+\]/), /\$scrypt\$[\s\S]*\[exited 0\]/);

  const long = await hashAt(t);
  await long.line('correct horse battery');
  await long.waitFor(/Again:/);
  await long.line('correct horse battery');
  const screen = await long.waitFor(/\[exited \d+\]/);
  t.regex(screen, /\$scrypt\$[\s\S]*\[exited 0\]/);
  t.notRegex(screen, /correct horse/);
});

test('two different answers are refused', async (t) => {
  const term = await hashAt(t);
  await term.line('correct horse battery');
  await term.waitFor(/Again:/);
  await term.line('correct horse battery staple');
  const screen = await term.waitFor(/\[exited \d+\]/);
  t.regex(screen, /keyhole: the two passwords differ; nothing was printed/);
  t.regex(screen, /\[exited 1\]/);
});
