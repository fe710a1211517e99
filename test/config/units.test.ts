// Durations and sizes as people write them in a config.
import test from 'ava';
import { parseDuration, parseSize } from '../../src/config/units.ts';

test('durations and sizes parse as written', (t) => {
  t.deepEqual(parseDuration('30s'), { ok: true, value: 30_000 });
  t.deepEqual(parseDuration('500ms'), { ok: true, value: 500 });
  t.deepEqual(parseDuration(2), { ok: true, value: 2000 });
  t.deepEqual(parseSize('10MiB'), { ok: true, value: 10 * 1024 * 1024 });
  t.deepEqual(parseSize('1MB'), { ok: true, value: 1_000_000 });
  t.false(parseDuration('soon').ok);
  t.false(parseSize('-1').ok);
});
