import test from 'ava';
import {
  escapeTags,
  exitLine,
  expandTabs,
  formatElapsed,
  outputLine,
  refusalLine,
  sanitize,
  themeFromEnv,
  type Theme,
} from '../../../src/client/ui/format.ts';

const colour: Theme = { colour: true, unicode: true };
const plain: Theme = { colour: false, unicode: false };
const outcome = { code: 0, signal: null, durationMs: 12, truncated: false, timedOut: false, canceled: false };

const duration = test.macro({
  exec: (t, ms: number, text: string) => t.is(formatElapsed(ms), text),
  title: (_title, ms: number, text: string) => `shows ${ms} ms as ${text}`,
});
test(duration, 0, '0 ms');
test(duration, 840.4, '840 ms');
test(duration, 1234, '1.2 s');
test(duration, 59_940, '59.9 s');
test(duration, 125_000, '2m05s');

test('escapes braces so remote text cannot open blessed tags', (t) => {
  t.is(escapeTags('{bold}x{/bold}'), '{open}bold{close}x{open}/bold{close}');
});

test('drops colour, cursor and title escape sequences from remote output', (t) => {
  t.is(sanitize('\x1b[31mred\x1b[0m \x1b[2J\x1b[H\x1b]0;title\x07ok'), 'red ok');
});

test('shows other control characters in caret notation, keeping newlines, returns and tabs', (t) => {
  t.is(sanitize('a\x08b\x00c\x7f\td\r\n'), 'a^Hb^@c^?\td\r\n');
});

test('replaces C1 controls, which some terminals obey as escapes', (t) => {
  t.is(sanitize('a\u009bb'), 'a?b');
});

test('expands tabs to the next stop of 8', (t) => {
  t.is(expandTabs('a\tbc\td'), 'a       bc      d');
});

test('marks stderr in red with colour, and with a prefix without', (t) => {
  t.is(outputLine('oops', 'stderr', colour), '{red-fg}oops{/red-fg}');
  t.is(outputLine('oops', 'stderr', plain), '! oops');
  t.is(outputLine('fine', 'stdout', plain), 'fine');
});

test('says how a command ended, with its code and duration', (t) => {
  t.is(exitLine(outcome, colour), '{green-fg}✓ exit 0 · 12 ms{/green-fg}');
  t.is(exitLine({ ...outcome, code: 2 }, plain), '{bold}[x] exit 2, 12 ms{/bold}');
});

test('names cancels, timeouts, signals and truncation', (t) => {
  const line = exitLine(
    { code: 124, signal: 'SIGTERM', durationMs: 300, truncated: true, timedOut: true, canceled: false },
    plain,
  );
  t.is(line, '{bold}[x] timed out, killed by SIGTERM, exit 124, 300 ms, output cut at the server limit{/bold}');
});

test('a refusal shows what, the exit code and the reason', (t) => {
  t.is(
    refusalLine('denied', "path '/etc' is outside", plain, 126),
    "{bold}[x] denied (126): path '/etc' is outside{/bold}",
  );
});

test('NO_COLOR turns colour off; a UTF-8 locale turns the marks on', (t) => {
  t.deepEqual(themeFromEnv({ NO_COLOR: '1', LANG: 'C.UTF-8' }), { colour: false, unicode: true });
  t.deepEqual(themeFromEnv({ NO_COLOR: '', LANG: 'C' }), { colour: true, unicode: false });
});
