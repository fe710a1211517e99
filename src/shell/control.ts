// What the shell may do to the server's live sessions. The shell declares this interface and the server implements it,
// so the admin builtins never import the server (or ssh2).
import type { CertificateSummary } from '../audit/events.ts';

export interface SessionSummary {
  readonly id: string;
  readonly user: string;
  readonly role: string;
  readonly address: string;
  readonly clientVersion: string;
  readonly since: Date;
  readonly lastActivity: Date;
  /** The command line running now, if any. */
  readonly command: string | null;
  /** The user certificate the session logged in with, if it did. */
  readonly certificate: CertificateSummary | null;
}

export interface SessionControl {
  list(): SessionSummary[];
  /** Ends a session (its commands are killed); false when no such session exists. */
  kill(id: string, reason: string): boolean;
  /** Starts a graceful shutdown of the whole server. */
  shutdown(reason: string): void;
}

/** Admission of one piece of work under a limit: how to release it, or one line saying which limit refused it. */
export type Admission = { readonly ok: true; release(): void } | { readonly ok: false; readonly reason: string };

/** The server's limits on work that spans channels and sessions (the shell cannot see the other channels). */
export interface WorkLimits {
  /** A command about to run, from any door: limits.maxCommandsPerUser. */
  command(): Admission;
  /** A protocol run about to start: limits.maxRunsPerConnection. */
  run(): Admission;
}

/** One `admin` attempt as the server counts it (per user and per source, across channels and connections). */
export interface ElevationAttempt {
  /** The password was right. */
  passed(): void;
  /** The password was wrong: how long to wait before answering, and the lock-out this caused, if it did. */
  failed(): { readonly delayMs: number; readonly lockedOut: boolean; readonly penaltySec: number };
  /** No password was given: the attempt does not count. */
  cancelled(): void;
}

/** Starts an `admin` attempt for this session's user and source, or says why elevation is locked out now. */
export type ElevationGuard = () =>
  { readonly ok: true; readonly attempt: ElevationAttempt } | { readonly ok: false; readonly reason: string };
