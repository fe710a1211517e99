import test from 'ava';
import fc from 'fast-check';
import { ESC, LEFT, setup, showsLine, width } from './helpers.ts';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const long = (n: number): string => ALPHABET.repeat(Math.ceil(n / ALPHABET.length)).slice(0, n);

/** The row shows the prompt and a window of the line that holds the cursor, and nothing reaches the last column. */
function showsWindow(s: ReturnType<typeof setup>, prompt: string): boolean {
  const { line, cursor } = s.editor.state;
  const row = s.screen.text;
  if (!row.startsWith(prompt) || s.screen.widest > s.screen.columns - 1) return false;
  const shown = row.slice(prompt.length);
  const room = s.screen.columns - 1 - width(prompt);
  const fits = (start: number): boolean =>
    line.startsWith(shown, start) && width(line.slice(start, cursor)) === s.screen.col - width(prompt);
  const start = Array.from({ length: cursor + 1 }, (_, i) => i).find(fits);
  return start !== undefined && (start + shown.length === line.length || width(shown) >= room - 1);
}

test('scrolls a line longer than the terminal to keep the cursor in view', (t) => {
  const s = setup({ columns: 20 });
  s.type(long(50));
  t.is(s.editor.state.line, long(50));
  // 19 usable columns (never the last one, so the terminal never wraps): the prompt, 16 characters, the cursor.
  t.is(s.screen.text, `$ ${long(50).slice(-16)}`);
  t.is(s.screen.col, 18);
  t.true(s.screen.widest <= 19);
});

test('scrolls back to the start on Home', (t) => {
  const s = setup({ columns: 20 });
  s.type(long(50), '\x01');
  t.is(s.screen.text, `$ ${long(17)}`);
  t.is(s.screen.col, 2);
});

test('shows the whole line again once it fits', (t) => {
  const s = setup({ columns: 20 });
  s.type(long(30), '\x17', 'short');
  showsLine(t, s);
});

test('keeps a wide character whole at the edge of the view', (t) => {
  const s = setup({ columns: 12 });
  s.type('中文中文中文中文', '\x01', `${ESC}[C`.repeat(5));
  t.true(s.screen.widest <= 11);
  t.is(s.editor.state.cursor, 5);
  t.false(s.screen.text.includes('\uFFFD'));
});

test('always shows a window of the line holding the cursor, on any terminal width', (t) => {
  const key = fc.constantFrom(
    'a',
    'b',
    ' ',
    'xyz',
    LEFT,
    `${ESC}[C`,
    '\x01',
    '\x05',
    '\x7f',
    `${ESC}[3~`,
    '\x15',
    '\x0b',
  );
  fc.assert(
    fc.property(fc.integer({ min: 8, max: 40 }), fc.array(key, { maxLength: 120 }), (columns, keys) => {
      const s = setup({ columns });
      s.type(...keys);
      // The prompt loses its start when it would leave less than 10 columns for the line.
      return showsWindow(s, '$ '.slice(2 - Math.min(2, Math.max(0, columns - 11))));
    }),
  );
  t.pass();
});

test('redraws for a new width on window-change', (t) => {
  const s = setup({ columns: 80 });
  s.type(long(40));
  s.editor.setColumns(20);
  t.is(s.screen.text, `$ ${long(40).slice(-16)}`);
  s.editor.setColumns(80);
  showsLine(t, s);
});

test('takes a width of 0 as 80 columns', (t) => {
  const s = setup({ columns: 20 });
  s.editor.setColumns(0);
  s.type(long(60));
  showsLine(t, s);
});

test('redraws the line after a new prompt', (t) => {
  const s = setup();
  s.type(`ls${LEFT}`);
  s.editor.setPrompt('admin# ');
  showsLine(t, s, 'admin# ');
});

test('cuts the start off a prompt too wide for the terminal', (t) => {
  const s = setup({ columns: 20, prompt: 'a-very-long-user@a-very-long-host$ ' });
  s.type(long(30));
  // 10 of the 19 usable columns stay for the line.
  t.is(s.screen.text, `ng-host$ ${long(30).slice(-9)}`);
  t.true(s.screen.widest <= 19);
});

test('shows a notice on its own row and keeps the line being edited', (t) => {
  const s = setup();
  s.type(`ls -l${LEFT}`);
  s.editor.notify('server shutting down in 30s\n');
  t.deepEqual(s.screen.all, ['server shutting down in 30s', '$ ls -l']);
  showsLine(t, s);
});

const COMMANDS = ['help', 'uptime', 'upgrade', 'useradd', 'userdel', 'users', 'whoami'];
const complete = (line: string, cursor: number): string[] => {
  const word = line.slice(0, cursor).split(' ').pop() ?? '';
  return COMMANDS.filter((c) => c.startsWith(word));
};

const completes = test.macro((t, typed: string[], line: string, bells: number) => {
  const s = setup({ complete });
  s.type(...typed);
  t.is(s.editor.state.line, line);
  t.is(s.screen.bells, bells);
  showsLine(t, s);
});

test('completes the only candidate and adds a space', completes, ['who\t'], 'whoami ', 0);
test('completes the only candidate left by a longer word', completes, ['upt\t'], 'uptime ', 0);
test('completes the common prefix of several candidates', completes, ['us\t'], 'user', 0);
test('rings the bell when the candidates share nothing more', completes, ['u\t'], 'u', 1);
test('rings the bell when nothing matches', completes, ['xyz\t'], 'xyz', 1);
test('rings the bell when there is no completer', (t) => {
  const s = setup();
  s.type('ls\t');
  t.is(s.editor.state.line, 'ls');
  t.is(s.screen.bells, 1);
});
test(
  'completes the word at the cursor, not the end of the line',
  completes,
  [`wh -x${LEFT}${LEFT}${LEFT}\t`],
  'whoami  -x',
  0,
);

test('lists the candidates on a second Tab, then redraws the prompt and line', (t) => {
  const s = setup({ complete });
  s.type('up\t', '\t');
  t.is(s.screen.bells, 1);
  t.deepEqual(s.screen.all, ['$ up', 'upgrade  uptime', '$ up']);
  showsLine(t, s);
});

test('lists right after completing a common prefix', (t) => {
  const s = setup({ complete: () => ['status', 'stats'] });
  s.type('s\t', '\t');
  t.is(s.screen.bells, 0);
  t.deepEqual(s.screen.all, ['$ stat', 'stats   status', '$ stat']);
});

test('does not list on a Tab after another key', (t) => {
  const s = setup({ complete });
  s.type('up\t', 'x\x7f', '\t');
  t.is(s.screen.bells, 2);
  t.is(s.screen.all.length, 1);
});

test('gives the completer the line and a UTF-16 cursor', (t) => {
  const calls: Array<[string, number]> = [];
  const s = setup({ complete: (line, cursor) => (calls.push([line, cursor]), []) });
  s.type(`😀 ab${LEFT}\t`);
  t.deepEqual(calls, [['😀 ab', 4]]);
});

test('ignores candidates with control characters or that do not extend the word', (t) => {
  const s = setup({ complete: () => ['up\x1b[2Jtime', 'down', 'upgrade'] });
  s.type('up\t');
  t.is(s.editor.state.line, 'upgrade ');
});

test('lists many candidates in columns that fit the terminal', (t) => {
  const names = Array.from({ length: 30 }, (_, i) => `cmd${String(i).padStart(2, '0')}`);
  const s = setup({ columns: 40, complete: () => names });
  s.type('c\t', '\t');
  const listed = s.screen.all.slice(1, -1);
  t.true(listed.every((row) => row.length <= 39));
  t.deepEqual(listed.join(' ').split(/\s+/).sort(), names);
});
