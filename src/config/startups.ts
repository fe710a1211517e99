// `limits.maxStartups` as OpenSSH writes MaxStartups: a number, or start:rate:full (see server/startups.ts).
import type { StartupsLimit } from './types.ts';

/** Parses `10`, `"10"` or `"10:30:100"`; a plain number N means N:100:N (refuse every one from N on). */
export function parseStartups(
  value: number | string,
): { ok: true; value: StartupsLimit } | { ok: false; reason: string } {
  const text = String(value).trim();
  const m = /^(\d+)(?::(\d+):(\d+))?$/.exec(text);
  if (!m) return { ok: false, reason: `'${text}' is not a number or start:rate:full (for example 10:30:100)` };
  const start = Number(m[1]);
  const rate = m[2] === undefined ? 100 : Number(m[2]);
  const full = m[3] === undefined ? start : Number(m[3]);
  if (start < 1) return { ok: false, reason: `start must be at least 1, got ${start}` };
  if (rate > 100) return { ok: false, reason: `rate is a percentage (0-100), got ${rate}` };
  if (full < start) return { ok: false, reason: `full (${full}) must not be below start (${start})` };
  return { ok: true, value: { start, rate, full } };
}
