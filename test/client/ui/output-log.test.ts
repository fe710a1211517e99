import test from 'ava';
import { OutputLog } from '../../../src/client/ui/output-log.ts';

const theme = { colour: false, unicode: false };

test('joins a line split across chunks', (t) => {
  const log = new OutputLog(theme);
  log.write('stdout', Buffer.from('hel'));
  t.deepEqual(log.lines(), ['hel']);
  log.write('stdout', Buffer.from('lo\nwor'));
  t.deepEqual(log.lines(), ['hello', 'wor']);
});

test('keeps a UTF-8 character split between chunks whole', (t) => {
  const log = new OutputLog(theme);
  const bytes = Buffer.from('é\n');
  log.write('stdout', bytes.subarray(0, 1));
  log.write('stdout', bytes.subarray(1));
  t.deepEqual(log.lines(), ['é']);
});

test('keeps the unfinished lines of stdout and stderr apart', (t) => {
  const log = new OutputLog(theme);
  log.write('stdout', Buffer.from('out'));
  log.write('stderr', Buffer.from('err\n'));
  log.write('stdout', Buffer.from('put\n'));
  t.deepEqual(log.lines(), ['! err', 'output']);
});

test('starts a line over at a carriage return, as a progress bar expects', (t) => {
  const log = new OutputLog(theme);
  log.write('stdout', Buffer.from('10%\r50%\r'));
  log.write('stdout', Buffer.from('100%\r\ndone\n'));
  t.deepEqual(log.lines(), ['100%', 'done']);
});

test('shows an unfinished last line when the output ends', (t) => {
  const log = new OutputLog(theme);
  log.write('stdout', Buffer.from('no newline'));
  log.add('[ok] exit 0');
  t.deepEqual(log.lines(), ['no newline', '[ok] exit 0']);
});

test('keeps at most the newest lines, counting those dropped', (t) => {
  const log = new OutputLog(theme, 3);
  log.write('stdout', Buffer.from('1\n2\n3\n4\n5\n'));
  t.deepEqual(log.lines(), ['3', '4', '5']);
  t.is(log.dropped, 2);
});

test('escapes tags in output and makes controls visible', (t) => {
  const log = new OutputLog(theme);
  log.write('stdout', Buffer.from('{red-fg}\x1b[1mx\x07\n'));
  t.deepEqual(log.lines(), ['{open}red-fg{close}x^G']);
});

test('clear forgets everything', (t) => {
  const log = new OutputLog(theme);
  log.write('stdout', Buffer.from('a\nb'));
  log.clear();
  t.deepEqual(log.lines(), []);
});

test('removes an escape sequence split between chunks', (t) => {
  const log = new OutputLog(theme);
  log.write('stdout', Buffer.from('a\x1b[3'));
  log.write('stdout', Buffer.from('1mb\n'));
  t.deepEqual(log.lines(), ['ab']);
});
