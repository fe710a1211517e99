// What the shell knows about the session it serves: who is there, what they may do, and where output goes.
// Built by the server for each channel; the shell never sees ssh2.
import type { Audit } from '../audit/audit.ts';
import type { Via } from '../audit/events.ts';
import type { Config, RoleSpec, UserSpec } from '../config/types.ts';
import type { ElevationGuard, SessionControl, WorkLimits } from './control.ts';
import type { PathResolver } from './policy.ts';

export interface ShellIO {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** The client's input for commands marked interactive; null when there is none to give. */
  readonly stdin: NodeJS.ReadableStream | null;
  /** Asks for a secret without echo (pty shells only). Null when the user gave up (Ctrl-C, Ctrl-D). */
  readonly readSecret?: (prompt: string) => Promise<string | null>;
  /** Resolves when output written so far has reached the client's channel (pty output is transformed on the way). */
  readonly flush?: () => Promise<void>;
}

export interface ShellContext {
  readonly id: string;
  /** The user as the config in force defines them now (a reload that changes their role applies to the next line). */
  readonly user: UserSpec;
  /** The client's address (`ip:port`), for the audit records of admin attempts. */
  readonly address: string;
  readonly hostname: string;
  /** The config in force now: a reload changes what the next command sees, not the running one. */
  config(): Config;
  readonly audit: Audit;
  readonly control: SessionControl;
  readonly resolver: PathResolver;
  /** Aborted when the session ends: every command of the session is killed. */
  readonly signal: AbortSignal;
  /** Set by `admin` after the admin password was given. */
  elevated: boolean;
  /** Counts `admin` attempts across channels and connections, to stop guessing. */
  readonly elevation: ElevationGuard;
  /** The limits on work that span channels and sessions (commands per user, protocol runs per connection). */
  readonly limits: WorkLimits;
  /** Tells the registry what runs now (null when idle). */
  setCommand(line: string | null): void;
  /** Environment from the client's allowed `env` requests, added to the config's. */
  readonly clientEnv: Readonly<Record<string, string>>;
  readonly via: Via;
}

/** The user's role as the config defines it now, with admin rights added when the session elevated. */
export function currentRole(session: ShellContext): RoleSpec {
  const role = session.config().roles.get(session.user.role) ?? {
    name: session.user.role,
    commands: [],
    admin: false,
    elevate: false,
  };
  return session.elevated && !role.admin ? { ...role, admin: true } : role;
}

/** Outcome of one line: the exit status, and whether the shell should end (`exit`). */
export interface LineResult {
  readonly code: number;
  readonly exit?: boolean;
}
