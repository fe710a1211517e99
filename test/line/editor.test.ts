import test from 'ava';
import { LineEditor } from '../../src/line/editor.ts';
import fc from 'fast-check';
import { DOWN, ESC, LEFT, PASTE, RIGHT, UP, setup, showsLine } from './helpers.ts';

const entered = test.macro((t, chunks: Array<string | Buffer>, expected: string[]) => {
  const s = setup();
  s.type(...chunks);
  t.deepEqual(s.lines(), expected);
});

test('reports a line on CR', entered, ['ls -l\r'], ['ls -l']);
test('reports a line on LF, and once on CRLF', entered, ['ls\r\n', 'pwd\n'], ['ls', 'pwd']);
test('counts CRLF once when it is split across packets', entered, ['ls\r', '\npwd\r'], ['ls', 'pwd']);
test('reports an empty line', entered, ['\r'], ['']);
test('reports each line of one packet in order', entered, ['a\rb\rc\r'], ['a', 'b', 'c']);
test('deletes with Backspace, as DEL or BS', entered, ['abc\x7f\x08d\r'], ['ad']);
test('inserts in the middle of the line', entered, [`helo${LEFT}l\r`], ['hello']);
test('deletes the character under the cursor with Delete', entered, [`abc${LEFT}${LEFT}${ESC}[3~\r`], ['ac']);
test('moves with application-mode arrows', entered, [`ac${ESC}OD${ESC}ODb${ESC}OC!\r`], ['ba!c']);
test('goes home with ESC[H', entered, [`bc${ESC}[Ha\r`], ['abc']);
test('goes home with ESC[1~', entered, [`bc${ESC}[1~a\r`], ['abc']);
test('goes home with ESC O H', entered, [`bc${ESC}OHa\r`], ['abc']);
test('goes home with Ctrl-A', entered, ['bc\x01a\r'], ['abc']);
test('goes to the end with ESC[F', entered, [`ab\x01${ESC}[Fc\r`], ['abc']);
test('goes to the end with ESC[4~', entered, [`ab\x01${ESC}[4~c\r`], ['abc']);
test('goes to the end with ESC O F', entered, [`ab\x01${ESC}OFc\r`], ['abc']);
test('goes to the end with Ctrl-E', entered, ['ab\x01\x05c\r'], ['abc']);
test('moves by character with Ctrl-B and Ctrl-F', entered, ['ac\x02\x02\x06b\r'], ['abc']);
test('kills to the start with Ctrl-U', entered, [`rm foo${LEFT}${LEFT}${LEFT}\x15ls \r`], ['ls foo']);
test('kills to the end with Ctrl-K', entered, [`ls foo${LEFT}${LEFT}${LEFT}\x0b\r`], ['ls ']);
test('deletes the previous word with Ctrl-W', entered, ['ls foo bar\x17\r'], ['ls foo ']);
test('deletes the previous word and the spaces after it with Ctrl-W', entered, ['ls foo  \x17\r'], ['ls ']);
test('moves by word with Alt-B and Alt-F', entered, [`ls foo${ESC}b${ESC}b-${ESC}f!\r`], ['-ls! foo']);
test('moves by word with Ctrl-Left and Ctrl-Right', entered, [`a b${ESC}[1;5D-${ESC}[1;5C!\r`], ['a -b!']);
test('deletes the character under the cursor with Ctrl-D', entered, [`abc${LEFT}${LEFT}\x04\r`], ['ac']);
test('ignores Ctrl-D at the end of a non-empty line', entered, ['abc\x04\r'], ['abc']);
test(
  'keeps a UTF-8 character split across packets',
  entered,
  [Buffer.from([0x63, 0x61, 0x66, 0xc3]), Buffer.from([0xa9, 0x0d])],
  ['café'],
);
test(
  'keeps a 4-byte character split three ways',
  entered,
  [Buffer.from([0xf0, 0x9f]), Buffer.from([0x98]), Buffer.from([0x80, 0x0d])],
  ['😀'],
);
test('deletes a whole emoji with one Backspace', entered, ['a😀\x7f\r'], ['a']);
test('moves over an accent together with its letter', entered, [`e\u0301${LEFT}x\r`], ['xe\u0301']);
test('keeps an escape sequence split across packets', entered, ['abc', ESC, '[', 'D', 'X\r'], ['abXc']);
test(
  'keeps an escape sequence split after its parameters',
  entered,
  ['abc', `${ESC}[3`, '~', `${ESC}[D`, '\x7f\r'],
  ['ac'],
);
test(
  'ignores unknown escape sequences',
  entered,
  [`a${ESC}[15~b${ESC}[?25hc${ESC}OPd${ESC}[12;40Re${ESC}xf\r`],
  ['abcdef'],
);
test('ignores other control characters', entered, ['a\x00\x07\x0f\x1cb\u0085\r'], ['ab']);
test('still sees a control key typed right after a lone Escape', entered, [`ab${ESC}\r`], ['ab']);
test('swallows an over-long escape sequence whole', entered, [`a${ESC}[${'1;'.repeat(40)}Cb\r`], ['ab']);
test('inserts bracketed paste at the cursor', entered, [`ls ${LEFT}${PASTE('-l')}\r`], ['ls-l ']);
test('treats a newline in a paste as Enter', entered, [PASTE('echo one\r\necho two\n')], ['echo one', 'echo two']);
test('turns a tab in a paste into a space', entered, [`${PASTE('a\tb')}\r`], ['a b']);
test('drops control characters from a paste', entered, [`${PASTE(`a${ESC}[31mb\x7f`)}\r`], ['a[31mb']);
test(
  'keeps a paste whose markers are split across packets',
  entered,
  [`${ESC}[20`, '0~ab', `c${ESC}[2`, '01', '~\r'],
  ['abc'],
);
test('keeps pasted text ending in part of a marker', entered, [`${ESC}[200~a${ESC}`, '[2x', `${ESC}[201~\r`], ['a[2x']);
test('lets Ctrl-C end a paste that never ends', entered, [`${ESC}[200~abc\x03`, 'ls\r'], ['ls']);

const edited = test.macro((t, chunks: string[], line: string, cursor: number) => {
  const s = setup();
  s.type(...chunks);
  t.deepEqual(s.editor.state, { line, cursor, mode: 'editing' });
  showsLine(t, s);
});

test('shows typed text with the cursor after it', edited, ['hello'], 'hello', 5);
test('shows an insertion in the middle', edited, [`helo${LEFT}l`], 'hello', 4);
test('shows a deletion in the middle', edited, [`hello${LEFT}${LEFT}\x7f`], 'helo', 2);
test('does not move left of the start', edited, [`ab${LEFT}${LEFT}${LEFT}`], 'ab', 0);
test('does not move right of the end', edited, [`ab${RIGHT}`], 'ab', 2);
test('shows wide characters two columns wide', edited, [`中文abc${LEFT}${LEFT}${LEFT}`], '中文abc', 2);
test('shows a line cleared with Ctrl-U', edited, ['hello\x15'], '', 0);
test('reports the cursor as a UTF-16 index', edited, [`😀x${LEFT}`], '😀x', 2);

test('echoes a plain character as just that character', (t) => {
  const s = setup();
  s.writes.length = 0;
  s.type('a', 'bc');
  t.deepEqual(s.writes, ['a', 'bc']);
});

test('moves the cursor with a single cursor sequence', (t) => {
  const s = setup();
  s.type('ab');
  s.writes.length = 0;
  s.type(LEFT, RIGHT);
  t.deepEqual(s.writes, [`${ESC}[1D`, `${ESC}[1C`]);
});

const silent = test.macro((t, chunks: string[]) => {
  const s = setup();
  s.type('x');
  s.writes.length = 0;
  s.type(...chunks);
  t.deepEqual(s.writes, []);
  t.is(s.editor.state.line, 'x');
});

test('writes nothing for an unknown escape sequence', silent, [`${ESC}[15~`]);
test('writes nothing for an unknown escape sequence split across packets', silent, [ESC, '[', '1', '5', '~']);
test('writes nothing for a mouse report', silent, [`${ESC}[<0;12;5M`]);
test('writes nothing for a function key in application mode', silent, [ESC, 'O', 'P']);
test('writes nothing for an ignored control character', silent, ['\x00\x0f\x1c\x1d']);

test('remembers non-blank lines, not repeating the previous one', (t) => {
  const s = setup();
  s.type('ls\r', 'ls\r', '  \r', 'pwd\r', 'ls\r');
  t.deepEqual(s.editor.history, ['ls', 'pwd', 'ls']);
});

test('keeps at most historySize lines, dropping the oldest', (t) => {
  const s = setup({ historySize: 2 });
  s.type('a\r', 'b\r', 'c\r');
  t.deepEqual(s.editor.history, ['b', 'c']);
});

const recalled = test.macro((t, keys: string[], expected: string) => {
  const s = setup();
  s.type('ls\r', 'pwd\r', 'draft');
  s.type(...keys);
  t.is(s.editor.state.line, expected);
  showsLine(t, s);
});

test('recalls the newest line with Up', recalled, [UP], 'pwd');
test('recalls older lines with more Ups', recalled, [UP, UP], 'ls');
test('stays at the oldest line', recalled, [UP, UP, UP], 'ls');
test('goes back down with Down', recalled, [UP, UP, DOWN], 'pwd');
test('keeps the line being typed below the newest entry', recalled, [UP, UP, DOWN, DOWN], 'draft');
test('stays on the line being typed with more Downs', recalled, [UP, DOWN, DOWN], 'draft');
test('recalls with Ctrl-P and Ctrl-N too', recalled, ['\x10\x10\x0e'], 'pwd');
test('recalls with application-mode arrows too', recalled, [`${ESC}OA`], 'pwd');

test('enters an edited history line and starts browsing from the newest again', (t) => {
  const s = setup();
  s.type('ls\r', 'pwd\r', UP, '\x7fx\r', UP);
  t.deepEqual(s.lines(), ['ls', 'pwd', 'pwx']);
  t.is(s.editor.state.line, 'pwx');
});

test('abandons the line on Ctrl-C and shows a fresh prompt', (t) => {
  const s = setup();
  s.type('rm -rf /\x03');
  t.deepEqual(s.events, [{ type: 'interrupt' }]);
  t.deepEqual(s.screen.all, ['$ rm -rf /^C', '$ ']);
  t.deepEqual(s.editor.state, { line: '', cursor: 0, mode: 'editing' });
  t.deepEqual(s.editor.history, []);
});

test('reports EOF on Ctrl-D on an empty line', (t) => {
  const s = setup();
  s.type('\x04');
  t.deepEqual(s.events, [{ type: 'eof' }]);
  t.is(s.editor.state.mode, 'waiting');
});

test('clears the screen on Ctrl-L and redraws the prompt and line', (t) => {
  const s = setup();
  s.type('one\r', 'two\r', `three${LEFT}\x0c`);
  t.true(s.writes.join('').includes(`${ESC}[H${ESC}[2J`));
  t.deepEqual(s.screen.all, ['$ three']);
  showsLine(t, s);
});

test('keeps input typed while waiting and replays it at the next prompt', (t) => {
  const s = setup({ manual: true });
  s.type('sleep 5\r', 'ls\rpw');
  t.deepEqual(s.lines(), ['sleep 5']);
  t.is(s.editor.state.mode, 'waiting');
  t.deepEqual(s.editor.prompt(), [{ type: 'line', line: 'ls' }]);
  t.deepEqual(s.editor.prompt(), []);
  t.is(s.editor.state.line, 'pw');
  showsLine(t, s);
});

test('does not echo input typed while waiting', (t) => {
  const s = setup({ manual: true });
  s.type('sleep 5\r');
  s.writes.length = 0;
  s.type('abc', `${ESC}[D`);
  t.deepEqual(s.writes, []);
});

test('reports Ctrl-C while waiting at once, and drops the input typed before it', (t) => {
  const s = setup({ manual: true });
  s.type('sleep 5\r', 'rm x\r');
  s.type('y\x03z');
  t.deepEqual(s.events, [{ type: 'line', line: 'sleep 5' }, { type: 'interrupt' }]);
  t.deepEqual(s.editor.prompt(), []);
  t.is(s.editor.state.line, 'z');
});

test('reports Ctrl-C right after Enter in the same packet as an interrupt of the command', (t) => {
  const s = setup({ manual: true });
  s.type('sleep 5\r\x03');
  t.deepEqual(s.events, [{ type: 'line', line: 'sleep 5' }, { type: 'interrupt' }]);
});

test('keeps input typed before start and replays it', (t) => {
  const writes: string[] = [];
  const editor = new LineEditor((data) => writes.push(data), { prompt: '$ ' });
  t.deepEqual(editor.feed('ls\rx'), []);
  t.deepEqual(writes, []);
  t.deepEqual(editor.start(), [{ type: 'line', line: 'ls' }]);
});

const tooLong = test.macro((t, chunks: string[], line: string, bells: number) => {
  const s = setup({ maxLineBytes: 5 });
  s.type(...chunks);
  t.is(s.editor.state.line, line);
  t.is(s.screen.bells, bells);
  showsLine(t, s);
});

test('rings the bell and ignores typing beyond maxLineBytes', tooLong, ['abcdefg'], 'abcde', 1);
test('rings the bell for each key typed beyond maxLineBytes', tooLong, ['abcde', 'f', 'g'], 'abcde', 2);
test('counts maxLineBytes in UTF-8 bytes', tooLong, ['aaaa', 'é'], 'aaaa', 1);
test('inserts the part of a paste that fits', tooLong, [`ab${PASTE('cdefgh')}`], 'abcde', 1);
test('accepts typing again after a deletion', tooLong, ['abcdef\x7fx'], 'abcdx', 1);

test('rejects a negative historySize with a clear message', (t) => {
  const error = t.throws(() => new LineEditor(() => {}, { prompt: '$ ', historySize: -1 }));
  t.is(error?.message, 'Expected the `historySize` option to be an integer >= 0, got -1.');
});

test('rejects a zero maxLineBytes', (t) => {
  t.throws(() => new LineEditor(() => {}, { prompt: '$ ', maxLineBytes: 0 }), { instanceOf: RangeError });
});

// What each key does to (line, cursor), on ASCII text: the editor must agree with this after any sequence of keys.
const MODEL: Record<string, (line: string, cursor: number) => [string, number]> = {
  [LEFT]: (l, c) => [l, Math.max(0, c - 1)],
  [RIGHT]: (l, c) => [l, Math.min(l.length, c + 1)],
  '\x01': (l) => [l, 0],
  '\x05': (l) => [l, l.length],
  '\x7f': (l, c) => (c > 0 ? [l.slice(0, c - 1) + l.slice(c), c - 1] : [l, c]),
  [`${ESC}[3~`]: (l, c) => [l.slice(0, c) + l.slice(c + 1), c],
  '\x15': (l, c) => [l.slice(c), 0],
  '\x0b': (l, c) => [l.slice(0, c), c],
  '\x17': (l, c) => {
    const start = l.slice(0, c).replace(/\S*\s*$/, '').length;
    return [l.slice(0, start) + l.slice(c), start];
  },
};

test('agrees with a simple model of the line for any sequence of keys', (t) => {
  const key = fc.constantFrom('a', 'b c', ' ', 'xyz', ...Object.keys(MODEL));
  fc.assert(
    fc.property(fc.array(key, { maxLength: 60 }), (keys) => {
      const s = setup();
      let [line, cursor] = ['', 0];
      for (const k of keys) {
        s.type(k);
        [line, cursor] = MODEL[k]?.(line, cursor) ?? [
          line.slice(0, cursor) + k + line.slice(cursor),
          cursor + k.length,
        ];
      }
      t.deepEqual(s.editor.state, { line, cursor, mode: 'editing' });
      showsLine(t, s);
    }),
  );
});
