// Durations and sizes as people write them in the config (`30s`, `10MiB`), turned into milliseconds and bytes.

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const SIZE_UNITS: Record<string, number> = {
  b: 1,
  k: 1000,
  kb: 1000,
  kib: 1024,
  m: 1000 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1000 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
};

export type Parsed = { ok: true; value: number } | { ok: false; reason: string };

/** Parses `500ms`, `30s`, `2m`, `1h`, `1d`, or a bare number of seconds (as OpenSSH's config does); `0` means none. */
export function parseDuration(input: string | number): Parsed {
  if (typeof input === 'number') return nonNegative(input * 1000, `${input}`);
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(input);
  if (!m) return { ok: false, reason: `'${input}' is not a duration: write e.g. 500ms, 30s, 5m or 1h` };
  return nonNegative(Number(m[1]) * DURATION_UNITS[(m[2] ?? 's').toLowerCase()]!, input);
}

/** Parses `1024`, `512KiB`, `10MiB`, `1GB` (binary and decimal units); a bare number is bytes. */
export function parseSize(input: string | number): Parsed {
  if (typeof input === 'number') return nonNegative(input, `${input}`);
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b?|b)?\s*$/i.exec(input);
  if (!m) return { ok: false, reason: `'${input}' is not a size: write e.g. 65536, 512KiB or 10MiB` };
  return nonNegative(Number(m[1]) * SIZE_UNITS[(m[2] ?? 'b').toLowerCase()]!, input);
}

function nonNegative(value: number, input: string): Parsed {
  if (!Number.isFinite(value) || value < 0 || value > Number.MAX_SAFE_INTEGER) {
    return { ok: false, reason: `'${input}' is out of range` };
  }
  return { ok: true, value: Math.round(value) };
}

/** Renders milliseconds the way they were most likely written (`30s`, `1500ms`), for messages. */
export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
