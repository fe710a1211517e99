// The `penalties:` section: per-source penalty durations, or `false` to turn them off.
import { DEFAULT_PENALTIES } from './defaults.ts';
import type { RawConfig } from './schema.ts';
import type { ConfigProblem } from './types.ts';
import type { PenaltyConfig } from './types.ts';
import { parseDuration } from './units.ts';

type Problems = ConfigProblem[];

/** Resolves `penalties` (absent: the defaults; false: off). */
export function resolvePenalties(raw: RawConfig['penalties'], problems: Problems): PenaltyConfig | null {
  if (raw === false) return null;
  if (raw === undefined) return DEFAULT_PENALTIES;
  const seconds = (key: 'authFail' | 'noAuth' | 'graceExceeded' | 'threshold' | 'max', fallback: number): number => {
    const value = raw[key];
    if (value === undefined) return fallback;
    const parsed = parseDuration(value);
    if (parsed.ok) return parsed.value / 1000;
    problems.push({ path: ['penalties', key], message: parsed.reason });
    return fallback;
  };
  const d = DEFAULT_PENALTIES;
  return {
    authFailSec: seconds('authFail', d.authFailSec),
    noAuthSec: seconds('noAuth', d.noAuthSec),
    graceExceededSec: seconds('graceExceeded', d.graceExceededSec),
    thresholdSec: seconds('threshold', d.thresholdSec),
    maxSec: seconds('max', d.maxSec),
    maxSources: d.maxSources,
    exempt: raw.exempt ?? [],
  };
}
