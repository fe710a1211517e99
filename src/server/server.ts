// The Keyhole server: host keys, algorithms, the listener, the session registry, graceful shutdown and reload.
import os from 'node:os';
import ssh2 from 'ssh2';
import type { Audit } from '../audit/audit.ts';
import type { Config } from '../config/types.ts';
import type { Logger } from '../log.ts';
import type { SessionControl } from '../shell/control.ts';
import { realPathResolver } from '../shell/path-resolver.ts';
import { VERSION } from '../version.ts';
import { ALGORITHMS } from '../ssh/algorithms.ts';
import { serveConnection } from './connection.ts';
import { loadHostKeys, type HostKey } from './host-keys.ts';
import { SessionRegistry } from './registry.ts';
import { createGate, type Gate } from './gate.ts';
import { isExempt, Penalties } from './penalties.ts';

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
  readonly registry: SessionRegistry;
  /** Stops accepting, tells every session, lets running commands finish within the grace period, then closes all. */
  shutdown(reason: string): Promise<void>;
  /** Replaces the config for new commands and logins; live sessions go on. */
  reload(config: Config): void;
  /** Connections the gate refused (penalised sources, beyond maxStartups), and those not yet authenticated. */
  readonly gateStats: Gate['stats'];
  /** Resolves when the server has shut down. */
  readonly closed: Promise<void>;
}

// SIGTERM, then SIGKILL after the runner's 2 s grace: a killed command's exit record follows within this.
const KILL_RECORD_WAIT_MS = 5_000;
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/** Starts listening; rejects with a one-line message when the config or the address cannot be used. */
export async function startServer(initial: Config, options: StartOptions): Promise<KeyholeServer> {
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
  const registry = new SessionRegistry();
  let shuttingDown: Promise<void> | null = null;
  let markClosed!: () => void;
  const closed = new Promise<void>((resolve) => (markClosed = resolve));

  const control: SessionControl = {
    list: () => registry.summaries(),
    kill: (id, reason) => {
      const session = registry.get(id);
      session?.end(reason);
      return session !== undefined;
    },
    shutdown: (reason) => void shutdown(reason),
  };
  const penalties = config.penalties
    ? new Penalties(config.penalties, (s) => isExempt(config.penalties?.exempt ?? [], s))
    : null;
  const gate = createGate({
    maxStartups: () => config.limits.maxStartups,
    penalties,
    log: options.log,
    admit: (socket) => ssh.injectSocket(socket),
  });
  const busy = new Set<object>();
  const open = new Set<object>();
  const context = {
    gate,
    busy,
    open,
    config: () => config,
    audit: options.audit,
    log: options.log,
    registry,
    control,
    resolver: realPathResolver,
    hostname: os.hostname(),
  };
  const ssh = new ssh2.Server(
    {
      hostKeys: hostKeys.map((k) => k.pem),
      algorithms: ALGORITHMS,
      ident: `Keyhole_${VERSION}`,
      keepaliveInterval: config.limits.keepaliveIntervalMs,
      keepaliveCountMax: config.limits.keepaliveCountMax,
    },
    (client, info) => serveConnection(client, info, context),
  );

  const shutdown = (reason: string): Promise<void> => {
    shuttingDown ??= drain(reason);
    return shuttingDown;
  };
  const drain = async (reason: string) => {
    options.log.log('info', 'shutting down', { reason, sessions: registry.size });
    gate.server.close();
    for (const s of registry.all()) s.notify(`the server is shutting down (${reason})`);
    await waitForIdle([busy], config.limits.shutdownGraceMs);
    for (const s of registry.all()) s.end('server shut down');
    gate.closeAll();
    // Commands cut off just now are being killed and connections are closing: wait (bounded) for their exit and
    // disconnect records, so that server-stop is the last line.
    await waitForIdle([busy, open], KILL_RECORD_WAIT_MS);
    await options.audit.record({ event: 'server-stop', reason }).catch(() => undefined);
    markClosed();
    options.onShutdown?.(reason);
  };

  await new Promise<void>((resolve, reject) => {
    gate.server.once('error', reject);
    gate.server.listen(config.listen.port, config.listen.host, () => {
      gate.server.removeListener('error', reject);
      gate.server.on('error', (err: Error) => options.log.log('error', 'listener error', { error: err.message }));
      resolve();
    });
  });
  const address = gate.server.address() as { address: string; port: number };
  await options.audit.record({
    event: 'server-start',
    listen: `${address.address}:${address.port}`,
    config: config.source,
  });
  return {
    host: address.address,
    port: address.port,
    hostKeys,
    registry,
    shutdown,
    reload: (next) => {
      config = next;
    },
    closed,
    gateStats: gate.stats,
  };
}

// Polls until every set is empty or the time is over; a poll every 100 ms costs nothing here.
async function waitForIdle(sets: Set<object>[], graceMs: number): Promise<void> {
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && sets.some((s) => s.size > 0)) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
