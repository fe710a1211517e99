// The `limits:` section: durations and sizes parsed, everything left out taken from the defaults.
import { DEFAULT_LIMITS } from './defaults.ts';
import type { RawLimits } from './schema.ts';
import type { ConfigProblem, Limits } from './types.ts';
import { parseStartups } from './startups.ts';
import { parseDuration, parseSize } from './units.ts';

type Problems = ConfigProblem[];

/** Resolves `limits` (absent fields: the defaults); a value that does not parse is a problem at its field. */
export function resolveLimits(raw: RawLimits, problems: Problems): Limits {
  const pick = (key: keyof RawLimits, parse: typeof parseDuration, fallback: number): number => {
    const value = raw[key];
    if (value === undefined) return fallback;
    const parsed = parse(value);
    if (parsed.ok) return parsed.value;
    problems.push({ path: ['limits', key], message: parsed.reason });
    return fallback;
  };
  const d = DEFAULT_LIMITS;
  return {
    commandTimeoutMs: pick('commandTimeout', parseDuration, d.commandTimeoutMs),
    maxOutputBytes: pick('maxOutputBytes', parseSize, d.maxOutputBytes),
    shutdownGraceMs: pick('shutdownGrace', parseDuration, d.shutdownGraceMs),
    maxAuthTries: raw.maxAuthTries ?? d.maxAuthTries,
    loginGraceTimeMs: pick('loginGraceTime', parseDuration, d.loginGraceTimeMs),
    maxStartups: startups(raw.maxStartups, problems),
    maxStartupsPerSource: raw.maxStartupsPerSource ?? d.maxStartupsPerSource,
    maxSessions: raw.maxSessions ?? d.maxSessions,
    maxSessionsPerUser: raw.maxSessionsPerUser ?? d.maxSessionsPerUser,
    idleTimeoutMs: pick('idleTimeout', parseDuration, d.idleTimeoutMs),
    maxLineBytes: pick('maxLineBytes', parseSize, d.maxLineBytes),
    auditBytesPerMinute: pick('auditBytesPerMinute', parseSize, d.auditBytesPerMinute),
    maxRunsPerSession: raw.maxRunsPerSession ?? d.maxRunsPerSession,
    maxRunsPerConnection: raw.maxRunsPerConnection ?? d.maxRunsPerConnection,
    maxChannelsPerConnection: raw.maxChannelsPerConnection ?? d.maxChannelsPerConnection,
    maxCommandsPerUser: raw.maxCommandsPerUser ?? d.maxCommandsPerUser,
    maxAdminFailures: raw.maxAdminFailures ?? d.maxAdminFailures,
    adminLockoutMs: pick('adminLockout', parseDuration, d.adminLockoutMs),
    adminFailDelayMs: pick('adminFailDelay', parseDuration, d.adminFailDelayMs),
    keepaliveIntervalMs: pick('keepaliveInterval', parseDuration, d.keepaliveIntervalMs),
    keepaliveCountMax: raw.keepaliveCountMax ?? d.keepaliveCountMax,
  };
}

// `maxStartups`: a number or OpenSSH's start:rate:full; one that does not parse is a problem at its field.
function startups(value: RawLimits['maxStartups'], problems: Problems): Limits['maxStartups'] {
  if (value === undefined) return DEFAULT_LIMITS.maxStartups;
  const parsed = parseStartups(value);
  if (parsed.ok) return parsed.value;
  problems.push({ path: ['limits', 'maxStartups'], message: parsed.reason });
  return DEFAULT_LIMITS.maxStartups;
}
