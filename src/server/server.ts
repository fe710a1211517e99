// The Keyhole server, assembled in one place: host keys, the gate and listener, the shared context every connection
// gets, the session registry, graceful shutdown (waiting on the work in progress, with deadlines) and reload.
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import os from 'node:os';
import ssh2 from 'ssh2';
import { stampedAudit, type Audit } from '../audit/audit.ts';
import { UsedCodes } from '../auth/totp.ts';
import type { Config } from '../config/types.ts';
import type { Logger } from '../log.ts';
import type { SessionControl } from '../shell/control.ts';
import { realPathResolver } from '../shell/path-resolver.ts';
import { ALGORITHMS } from '../ssh/algorithms.ts';
import { VERSION } from '../version.ts';
import { serveConnection } from './connection.ts';
import type { ServerContext } from './context.ts';
import { GateRecords } from './gate-records.ts';
import { ElevationAttempts } from './elevation.ts';
import { createGate, type Gate } from './gate.ts';
import { loadHostKeys, type HostKey } from './host-keys.ts';
import { isExempt, Penalties } from './penalties.ts';
import { SessionRegistry } from './registry.ts';
import { revokeSessions } from './revoke.ts';
import type { Session } from './session.ts';
import { Slots } from './slots.ts';
import { allIdle, WorkGroup } from './work.ts';

export interface StartOptions {
  readonly audit: Audit;
  readonly log: Logger;
  /** Called once a shutdown has finished (the CLI exits then). */
  readonly onShutdown?: (reason: string) => void;
}

export interface KeyholeServer {
  readonly host: string;
  readonly port: number;
  readonly hostKeys: readonly HostKey[];
  /** This run of the server (8 hex digits, new at each start), on every audit record it writes as `instance`. */
  readonly instance: string;
  /** The audit trail as the server writes it (stamped with `instance`), for the records the CLI adds (reloads). */
  readonly audit: Audit;
  readonly registry: SessionRegistry;
  /** Stops accepting, tells every session, lets running commands finish within the grace period, then closes all. */
  shutdown(reason: string): Promise<void>;
  /** Replaces the config for new commands and logins; live sessions go on, except those it no longer admits. */
  reload(config: Config): void;
  /** Connections the gate refused (penalised sources, beyond maxStartups), and those not yet authenticated. */
  readonly gateStats: Gate['stats'];
  /** Resolves when the server has shut down. */
  readonly closed: Promise<void>;
}

// SIGTERM, then SIGKILL after the runner's 2 s grace: a killed command's exit record follows within this.
const KILL_RECORD_WAIT_MS = 5_000;
/** How long a shutdown gives clients that have their exit status to hang up before it disconnects them. */
const HANG_UP_WAIT_MS = 1_000;
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/** Starts listening; rejects with a one-line message when the config or the address cannot be used. */
export async function startServer(initial: Config, started: StartOptions): Promise<KeyholeServer> {
  // Session and connection ids (s1, c1) are short for typing `kill s3`, and restart with the server: the instance
  // on each record keeps the records of two runs apart (instance + session is unique across restarts).
  const instance = randomBytes(4).toString('hex');
  const options = { ...started, audit: stampedAudit(started.audit, instance) };
  if (initial.demoCredentials && !LOOPBACK.test(initial.listen.host)) {
    throw new Error(
      `refusing to listen on ${initial.listen.host} with the demo credentials: write a config (keyhole serve --config FILE)`,
    );
  }
  let config = initial;
  const hostKeys = loadHostKeys(config.hostKeys);
  for (const key of hostKeys.filter((k) => k.generated)) {
    options.log.log('info', 'generated host key', { file: key.file, fingerprint: key.fingerprint });
  }
  let shuttingDown: Promise<void> | null = null;
  let markClosed!: () => void;
  const closed = new Promise<void>((resolve) => (markClosed = resolve));
  const shutdown = (reason: string): Promise<void> =>
    (shuttingDown ??= drain(context, reason, options).then(() => {
      markClosed();
      options.onShutdown?.(reason);
    }));
  const registry = new SessionRegistry();
  const context: ServerContext = {
    gate: gateFor(
      () => config,
      options,
      (socket) => ssh.injectSocket(socket),
    ),
    busy: new WorkGroup(),
    open: new WorkGroup(),
    config: () => config,
    audit: options.audit,
    log: options.log,
    registry,
    control: controlOf(registry, shutdown),
    resolver: realPathResolver,
    hostname: os.hostname(),
    elevation: new ElevationAttempts(() => config.limits),
    commands: new Slots(),
    usedCodes: new UsedCodes(), // kept across reloads: a new config must not make a used code fresh again
  };
  const ssh = sshServer(hostKeys, config, context);
  const address = await listen(context.gate, config.listen, options.log);
  await options.audit.record({
    event: 'server-start',
    listen: `${address.address}:${address.port}`,
    config: config.source,
    confinement: { ...config.confinement, helper: config.confinement.helper !== null },
  });
  return {
    host: address.address,
    port: address.port,
    hostKeys,
    instance,
    audit: options.audit,
    registry,
    shutdown,
    reload: (next) => {
      config = next;
      revokeSessions(context, next);
    },
    closed,
    gateStats: context.gate.stats,
  };
}

// The gate in front of ssh2, with the penalties of the config it starts with; its refusals go to the audit trail.
function gateFor(config: () => Config, options: StartOptions, admit: (socket: Socket) => void): Gate {
  const { penalties } = config();
  return createGate({
    limits: () => config().limits,
    penalties: penalties ? new Penalties(penalties, (s) => isExempt(config().penalties?.exempt ?? [], s)) : null,
    log: options.log,
    records: new GateRecords(options.audit, options.log),
    admit,
  });
}

// The SSH protocol server (ssh2): host keys, our algorithms, keepalives; each connection served with the context.
function sshServer(hostKeys: readonly HostKey[], config: Config, context: ServerContext): ssh2.Server {
  const options = {
    hostKeys: hostKeys.map((k) => k.pem),
    algorithms: ALGORITHMS,
    ident: `Keyhole_${VERSION}`,
    keepaliveInterval: config.limits.keepaliveIntervalMs,
    keepaliveCountMax: config.limits.keepaliveCountMax,
  };
  return new ssh2.Server(options, (client, info) => serveConnection(client, info, context));
}

// What the admin builtins may do to the live sessions.
function controlOf(registry: SessionRegistry, shutdown: (reason: string) => Promise<void>): SessionControl {
  return {
    list: () => registry.summaries(),
    kill: (id, reason) => {
      const session = registry.get(id);
      session?.end(reason);
      return session !== undefined;
    },
    shutdown: (reason) => void shutdown(reason),
  };
}

// Stop accepting, tell everyone, let the work in progress finish within the grace, end the rest, and wait (bounded)
// for the exit and disconnect records of what was cut off, so that server-stop is the last audit line.
async function drain(context: ServerContext, reason: string, options: StartOptions): Promise<void> {
  const { registry, gate } = context;
  options.log.log('info', 'shutting down', { reason, sessions: registry.size });
  gate.server.close();
  for (const s of registry.all()) s.notify(`the server is shutting down (${reason})`);
  await context.busy.idle(context.config().limits.shutdownGraceMs);
  await leftByThemselves(registry.all(), HANG_UP_WAIT_MS);
  for (const s of registry.all()) s.end('server shut down');
  gate.closeAll();
  await allIdle([context.busy, context.open], KILL_RECORD_WAIT_MS);
  await options.audit.record({ event: 'server-stop', reason }).catch(() => undefined);
}

// A session with no open door has had its exit status (the `shutdown` line's own, say): its client hangs up by
// itself within a round trip. Ending it first would send a disconnect on the heels of the channel close, and
// OpenSSH, reading both at once, exits 255 instead of with the status it was sent. Bounded: `ssh -N` never hangs up.
async function leftByThemselves(sessions: Iterable<Session>, deadlineMs: number): Promise<void> {
  const leaving = [...sessions].filter((s) => !s.serving).map((s) => s.gone);
  if (leaving.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, deadlineMs)));
  await Promise.race([Promise.all(leaving), deadline]);
  clearTimeout(timer);
}

// Listens on the configured address; rejects with the listener's error (EADDRINUSE, EACCES).
function listen(gate: Gate, at: Config['listen'], log: Logger): Promise<{ address: string; port: number }> {
  return new Promise((resolve, reject) => {
    gate.server.once('error', reject);
    gate.server.listen(at.port, at.host, () => {
      gate.server.removeListener('error', reject);
      gate.server.on('error', (err: Error) => log.log('error', 'listener error', { error: err.message }));
      resolve(gate.server.address() as { address: string; port: number });
    });
  });
}
