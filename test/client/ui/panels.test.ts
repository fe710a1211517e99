// The F1 commands panel, the F2 sessions view and the status bar of `keyhole connect` at 80x24 and 200x50 (tmux, real
// server): everything fits the screen, the panel scrolls with PgUp/PgDn and the arrows while it is open, and it uses
// the width of a wide screen.
import type { ExecutionContext } from 'ava';
import { serverPerFile, type TestServer } from '../../helpers/server.ts';
import { rows, startClient } from './client.ts';
import { closeTmux, limit } from './tmux.ts';

const test = serverPerFile();
const slot = limit(2);
const tui = (title: string, body: (t: ExecutionContext<{ s: TestServer }>) => Promise<void>) =>
  test(title, (t) => slot(() => body(t)));
test.after.always(() => closeTmux());

// The panel's rows: from its top border to its bottom border, the part right of the left border.
function panel(screen: string): { rows: string[]; left: number } {
  const all = rows(screen);
  const top = all.findIndex((r) => r.includes('┌─ Commands'));
  const left = all[top]!.indexOf('┌');
  const bottom = all.findIndex((r, i) => i > top && r[left] === '└');
  return { rows: all.slice(top, bottom + 1).map((r) => r.slice(left)), left };
}

tui('at 80x24 the F1 panel fits the screen, and PgDn/PgUp and the arrows scroll it, not the output', async (t) => {
  const c = await startClient(t.context.s, 'boss', [80, 24]);
  t.teardown(() => c.term.close());
  await c.term.keys('F1');
  const first = await c.term.waitFor(/┌─ Commands \(F1\) 1-20 of 2\d/);
  const shown = panel(first);
  t.is(shown.rows.length, 22, 'from the first row to the one above the input line');
  t.regex(shown.rows[0]!, /^┌─ Commands \(F1\) [^\n]*1-20 of 2\d[^\n]*┐$/, 'the label says how much there is');
  t.regex(shown.rows.at(-1)!, /^└─+┘$/);
  for (const row of shown.rows.slice(1, -1)) t.regex(row, /^│.*│$/);
  t.regex(first, /│cat +│/);
  t.notRegex(first, /│slow +│/);
  await c.term.keys('PageDown');
  const paged = await c.term.waitFor(/│slow +│/);
  t.notRegex(paged, /│cat +│/);
  t.regex(paged, /^Connected to keyhole/, 'the output did not move');
  await c.term.keys('Up');
  await c.term.waitFor(/┌─ Commands \(F1\) [^\n]*of 2\d/);
  await c.term.keys('PageUp');
  await c.term.waitFor(/│cat +│/);
  await c.term.keys('Down');
  const down = await c.term.waitFor(/2-21 of 2\d/);
  t.notRegex(down, /│cat +│/);
  // Esc closes the panel; PgUp/PgDn are the output's again.
  await c.term.keys('Escape');
  const closed = await c.term.waitFor(/^(?![\s\S]*Commands \(F1\))/);
  t.regex(closed, /^Connected to keyhole/);
});

tui('at 200x50 the F1 panel uses the width: each command with its rule on one line', async (t) => {
  const c = await startClient(t.context.s, 'boss', [200, 50]);
  t.teardown(() => c.term.close());
  // Wide screens open the panel at the start.
  const screen = await c.term.waitFor(/│sleep +no options/);
  const { rows: shown, left } = panel(screen);
  const width = 200 - left;
  t.true(width >= 70 && width <= 100, `the panel is ${width} columns wide`);
  t.regex(screen, /│sleep +no options; operands matching \/\[0-9\]\+\/; at most 1 argument +│/);
  t.regex(screen, /│date +no arguments +│/);
  t.regex(shown.at(-1)!, /^└─+┘$/);
  t.is(rows(screen).length, 50);
});

tui('at 80x24 the F2 sessions view shows its whole footer, keys included', async (t) => {
  const c = await startClient(t.context.s, 'boss', [80, 24]);
  t.teardown(() => c.term.close());
  await c.term.keys('F2');
  const screen = await c.term.waitFor(/│s\d+\* +boss/);
  const all = rows(screen);
  const footer = all[all.findIndex((r) => r.startsWith('└')) - 1]!;
  // The file's other tests have clients of their own on the server.
  t.regex(footer, /^│\d+ sessions?.*Esc close *│$/);
  t.regex(footer, /end/);
  t.true(footer.length <= 80);
});

for (const size of [
  [80, 24],
  [200, 50],
] as const) {
  tui(`the status bar keeps its key hints at ${size.join('x')}`, async (t) => {
    const c = await startClient(t.context.s, 'boss', size);
    t.teardown(() => c.term.close());
    const screen = await c.term.waitFor(/ ms │/);
    const status = rows(screen).at(-1)!;
    t.regex(status, /│ admin │ ● connected │ \d+ ms │ F1 \w+ +F2 \w+ +\^D quit *$/);
    t.true(status.length <= size[0]);
  });
}
