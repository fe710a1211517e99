// What every connection of one server shares (assembled once, in server.ts), and the shell's view of a session built
// from it for each channel.
import type { Audit } from '../audit/audit.ts';
import type { Via } from '../audit/events.ts';
import type { Config } from '../config/types.ts';
import type { Logger } from '../log.ts';
import type { ShellContext } from '../shell/context.ts';
import type { SessionControl } from '../shell/control.ts';
import type { PathResolver } from '../shell/policy.ts';
import type { Gate } from './gate.ts';
import type { SessionRegistry } from './registry.ts';
import type { Session } from './session.ts';
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
}

/** The shell's view of `session` for one channel (one door), with what the client asked for in `env`. */
export function shellContextFor(
  session: Session,
  server: ServerContext,
  via: Via,
  clientEnv: Record<string, string>,
  signal: AbortSignal,
): ShellContext {
  // A user removed by a reload keeps the identity they logged in with until the session ends.
  const user = server.config().users.get(session.user) ?? {
    name: session.user,
    role: session.role,
    authorizedKeys: [],
  };
  return {
    id: session.id,
    user,
    hostname: server.hostname,
    config: server.config,
    audit: server.audit,
    control: server.control,
    resolver: server.resolver,
    signal,
    elevated: false,
    adminFailures: 0,
    clientEnv,
    via,
    setCommand: session.activity(),
  };
}
