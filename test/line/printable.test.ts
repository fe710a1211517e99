// printable() and clip(): text from clients shown to people cannot hide itself, reorder the line, or forge a row.
import test from 'ava';
import fc from 'fast-check';
import { clip, printable } from '../../src/line/printable.ts';

const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

test('control characters become ? as before', (t) => {
  t.is(printable('a\x1b[2Jb\nc\x7f\x9b'), 'a?[2Jb?c??');
});

test('bidi controls, zero-width characters and separators show as their code points', (t) => {
  t.is(printable('evil\u202Egnp.exe'), 'evil<U+202E>gnp.exe');
  t.is(printable('\u2066x\u2069\u200E\u200F\u061C'), '<U+2066>x<U+2069><U+200E><U+200F><U+061C>');
  t.is(printable('zero\u200Bwidth\uFEFF\u00AD'), 'zero<U+200B>width<U+FEFF><U+00AD>');
  t.is(printable('line\u2028para\u2029'), 'line<U+2028>para<U+2029>');
  t.is(printable('lone \uD800 surrogate'), 'lone <U+D800> surrogate');
  t.is(printable('plain text, ünïcödé and 日本語 stay'), 'plain text, ünïcödé and 日本語 stay');
});

test('clip keeps short text and ends cut text with an ellipsis, within the width', (t) => {
  t.is(clip('short', 10), 'short');
  t.is(clip('0123456789abc', 10), '012345678…');
  t.is([...clip('日本語'.repeat(20), 8)].length, 8);
  t.is(clip('x', 0), '');
});

test('no character of Cc, Cf, Zl, Zp or a lone surrogate survives printable', (t) => {
  const text = fc.string({ unit: 'binary', maxLength: 64 });
  const withHidden = fc
    .array(
      fc.oneof(
        fc.string({ unit: 'grapheme', maxLength: 4 }),
        fc.constantFrom('\u202E', '\u200B', '\u2028', '\x1b', '\uD800'),
      ),
    )
    .map((parts) => parts.join(''));
  fc.assert(fc.property(fc.oneof(text, withHidden), (s) => !HIDDEN.test(printable(s))));
  t.pass();
});
