// Defaults for everything the config may leave out, chosen like OpenSSH's where OpenSSH has one.
import type { Limits, PenaltyConfig } from './types.ts';

export const DEFAULT_LISTEN = { host: '127.0.0.1', port: 2222 } as const;
export const DEFAULT_HOST_KEY = 'keys/ssh_host_ed25519_key';

export const DEFAULT_LIMITS: Limits = {
  commandTimeoutMs: 30_000,
  maxOutputBytes: 10 * 1024 * 1024,
  shutdownGraceMs: 10_000,
  maxAuthTries: 6, // OpenSSH MaxAuthTries
  loginGraceTimeMs: 30_000, // OpenSSH LoginGraceTime is 120s; a restricted shell has less reason to wait
  // OpenSSH MaxStartups 10:30:100 and PerSourceMaxStartups (none by default there): here a handshake costs a socket and
  // some KiB, not a process, so `start` is 10x OpenSSH's and well above the per-source cap: one source (or nine) at its
  // cap never makes another source's login a gamble.
  maxStartups: { start: 100, rate: 30, full: 1000 },
  maxStartupsPerSource: 10,
  maxSessions: 1000,
  maxSessionsPerUser: 100,
  idleTimeoutMs: 0,
  maxLineBytes: 8192,
  auditBytesPerMinute: 1024 * 1024, // a session past it is ended: one user cannot fill the disk the audit needs
  maxRunsPerSession: 8,
  maxRunsPerConnection: 16,
  maxChannelsPerConnection: 10, // OpenSSH MaxSessions
  maxCommandsPerUser: 32,
  maxAdminFailures: 5,
  adminLockoutMs: 15 * 60_000,
  adminFailDelayMs: 1_000,
  keepaliveIntervalMs: 15_000, // ssh2's default, and OpenSSH's ClientAliveInterval in spirit
  keepaliveCountMax: 3,
};

export const DEFAULT_PENALTIES: PenaltyConfig = {
  authFailSec: 5, // OpenSSH PerSourcePenalties authfail:5s
  noAuthSec: 1, // noauth:1s
  graceExceededSec: 10, // grace-exceeded:10s
  thresholdSec: 15, // min:15s
  maxSec: 600, // max:10m
  maxSources: 65_536,
  exempt: [],
};

export const DEFAULT_ENV: Readonly<Record<string, string>> = {
  PATH: '/usr/local/bin:/usr/bin:/bin',
  LANG: 'C.UTF-8',
};

export const DEFAULT_ACCEPT_ENV: readonly string[] = ['LANG', 'LC_*'];
