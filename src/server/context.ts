// What every connection of one server shares (assembled once, in server.ts), and the shell's view of a session built
// from it for each channel.
import type { Audit } from '../audit/audit.ts';
import type { UsedCodes } from '../auth/totp.ts';
import type { Via } from '../audit/events.ts';
import { SessionAudit, sessionAuditOf } from '../audit/session-audit.ts';
import type { Config } from '../config/types.ts';
import type { Logger } from '../log.ts';
import type { ShellContext } from '../shell/context.ts';
import type { ElevationGuard, SessionControl, WorkLimits } from '../shell/control.ts';
import type { PathResolver } from '../shell/policy.ts';
import type { ElevationAttempts } from './elevation.ts';
import type { Gate } from './gate.ts';
import { sourceOf } from './penalties.ts';
import type { SessionRegistry } from './registry.ts';
import type { Session } from './session.ts';
import type { Slots } from './slots.ts';
import type { WorkGroup } from './work.ts';

export interface ServerContext {
  readonly gate: Gate;
  /** Lines and runs in progress on any channel, until their exit is audited: a shutdown waits for these. */
  readonly busy: WorkGroup;
  /** Connections from accept until their disconnect is audited: the drain waits for these too. */
  readonly open: WorkGroup;
  /** The config in force now: a reload changes what the next login or command sees. */
  config(): Config;
  readonly audit: Audit;
  readonly log: Logger;
  readonly registry: SessionRegistry;
  readonly control: SessionControl;
  readonly resolver: PathResolver;
  readonly hostname: string;
  /** `admin` attempts per user and per source, across every channel and connection. */
  readonly elevation: ElevationAttempts;
  /** Commands running now, per user across all their sessions (limits.maxCommandsPerUser). */
  readonly commands: Slots;
  /** The TOTP step last accepted per user: a code opens one login only (server/second-factor.ts). */
  readonly usedCodes: UsedCodes;
}

/** The shell's view of `session` for one channel (one door), with what the client asked for in `env`. */
export function shellContextFor(
  session: Session,
  server: ServerContext,
  via: Via,
  clientEnv: Record<string, string>,
  signal: AbortSignal,
): ShellContext {
  // A user removed by a reload keeps the identity they logged in with until the session ends (or is revoked).
  const userNow = () =>
    server.config().users.get(session.user) ?? {
      name: session.user,
      role: session.role,
      authorizedKeys: [],
      principals: null,
    };
  return {
    id: session.id,
    get user() {
      return userNow();
    },
    address: session.address,
    hostname: server.hostname,
    config: server.config,
    audit: sessionAudit(session, server),
    control: server.control,
    resolver: server.resolver,
    signal,
    elevated: false,
    elevation: elevationGuard(session, server),
    limits: workLimits(session, server),
    clientEnv,
    via,
    setCommand: session.activity(),
  };
}

// The session's view of the server's count of admin attempts; a lock-out also costs its source a penalty.
function elevationGuard(session: Session, server: ServerContext): ElevationGuard {
  return () => {
    const started = server.elevation.begin(session.user, sourceOf(session.ip));
    if (!started.ok) return started;
    const { attempt } = started;
    const failed = () => {
      const outcome = attempt.failed();
      return { ...outcome, penaltySec: outcome.lockedOut ? server.gate.penalise(session.ip) : 0 };
    };
    return { ok: true, attempt: { passed: attempt.passed, cancelled: attempt.cancelled, failed } };
  };
}

// The limits that span channels: commands per user (all sessions), protocol runs per connection (all channels).
function workLimits(session: Session, server: ServerContext): WorkLimits {
  const limits = () => server.config().limits;
  return {
    command: () => {
      const max = limits().maxCommandsPerUser;
      const why = () =>
        `${session.user} already runs ${max} commands at once (limits.maxCommandsPerUser): wait for one`;
      return server.commands.take(session.user, max, why);
    },
    run: () => {
      const max = limits().maxRunsPerConnection;
      const why = () => `this connection has ${max} runs in flight (limits.maxRunsPerConnection): wait for an exit`;
      return session.runs.take('', max, why);
    },
  };
}

// The session's one audit view, shared by its channels: repeated refusals coalesced, limits.auditBytesPerMinute.
function sessionAudit(session: Session, server: ServerContext): SessionAudit {
  return sessionAuditOf(session, () => {
    const bytesPerMinute = () => server.config().limits.auditBytesPerMinute;
    const end = (reason: string) => session.end(reason);
    return new SessionAudit(server.audit, {
      session: session.id,
      user: session.user,
      signal: session.signal,
      bytesPerMinute,
      end,
    });
  });
}
