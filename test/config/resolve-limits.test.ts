// The `limits:` section: durations and sizes as written, defaults for the rest, and values that do not parse.
import test from 'ava';
import { base, load, problem } from './helpers.ts';

test('limits written as durations and sizes are parsed; the others keep their defaults', (t) => {
  const r = load(base() + 'limits: { commandTimeout: 5m, maxOutputBytes: 1MiB, maxSessions: 7 }\n');
  if (!r.ok) return t.fail(r.errors.join('\n'));
  t.like(r.config.limits, { commandTimeoutMs: 300_000, maxOutputBytes: 1024 * 1024, maxSessions: 7, maxAuthTries: 6 });
});

test(
  'a bad duration',
  problem,
  base() + 'limits: { commandTimeout: soon }\n',
  /limits\.commandTimeout: 'soon' is not a duration/,
);
