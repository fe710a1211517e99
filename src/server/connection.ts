// One client connection: auth with a try limit and a grace time, the session entry in the registry once
// authenticated, session channels handed to channel.ts, every other request refused, and clean-up on close.
import type { AuthContext, AuthenticationType, ClientInfo, Connection } from 'ssh2';
import type { Audit } from '../audit/audit.ts';
import type { Config } from '../config/types.ts';
import type { Logger } from '../log.ts';
import type { SessionControl } from '../shell/control.ts';
import type { PathResolver } from '../shell/policy.ts';
import { printable } from '../line/printable.ts';
import type { ShellContext } from '../shell/context.ts';
import { forbidsPty } from '../auth/authorized-keys.ts';
import { authenticate } from './authenticate.ts';
import type { Gate } from './gate.ts';
import { watchIdle, type IdleWatch } from './idle.ts';
import { serveSessionChannel } from './channel.ts';
import type { LiveSession, SessionRegistry } from './registry.ts';

declare module 'ssh2' {
  interface Connection {
    // Present in ssh2 1.x, missing from @types/ssh2: without it every login pays Nagle/delayed-ACK stalls.
    setNoDelay(noDelay?: boolean): this;
  }
}

export interface ServerContext {
  readonly gate: Gate;
  /** One token per shell/exec/protocol channel with a line or run in progress, until its exit is audited. */
  readonly busy: Set<object>;
  /** One token per connection, from accept until its disconnect is audited: the drain waits for these too. */
  readonly open: Set<object>;
  config(): Config;
  readonly audit: Audit;
  readonly log: Logger;
  readonly registry: SessionRegistry;
  readonly control: SessionControl;
  readonly resolver: PathResolver;
  readonly hostname: string;
}

const METHODS: AuthenticationType[] = ['publickey', 'password'];
let connections = 0;

/** Serves one connection until it closes. */
export function serveConnection(client: Connection, info: ClientInfo, server: ServerContext): void {
  const conn = `c${++connections}`;
  const addr = `${info.ip}:${info.port}`;
  const clientVersion = printable(info.header.versions.software ?? info.header.identRaw);
  const startedAt = Date.now();
  const lifetime = new AbortController();
  const notifiers = new Set<(message: string) => void>();
  const limits = server.config().limits;
  let failures = 0;
  let acceptedUser: string | null = null;
  let ptyAllowed = true;
  let live: LiveSession | null = null;
  /** This connection's channels with a line or run in progress (their tokens are in server.busy too). */
  const running = new Set<object>();
  let idle: IdleWatch = { touch() {}, stop() {} };

  const openToken = {};
  server.open.add(openToken);
  client.setNoDelay(true);
  void server.audit.record({ event: 'connect', conn, addr, client: clientVersion }).catch(() => undefined);
  const grace = setTimeout(() => {
    server.log.log('info', 'login grace time over', { conn, addr });
    client.end();
  }, limits.loginGraceTimeMs);
  grace.unref();

  client.on('error', (err: Error & { level?: string }) => {
    server.log.log('debug', 'connection error', { conn, addr, error: err.message, level: err.level });
  });

  client.on('authentication', (ctx: AuthContext) => {
    void decideAuth(ctx).catch((err: Error) => {
      server.log.log('error', 'auth failed unexpectedly', { conn, error: err.message });
      ctx.reject(METHODS);
    });
  });

  const decideAuth = async (ctx: AuthContext) => {
    const outcome = await authenticate(ctx, server.config());
    if (outcome.kind === 'key-ok') return ctx.accept();
    const base = { event: 'auth', conn, addr, user: ctx.username, method: ctx.method } as const;
    const key = { fingerprint: outcome.fingerprint, keyType: outcome.keyType };
    if (outcome.kind === 'accept') {
      const full = sessionLimitReached(ctx.username);
      await server.audit.record({ ...base, ...key, ok: !full, reason: full ?? undefined });
      if (full) return ctx.reject(METHODS);
      acceptedUser = ctx.username;
      ptyAllowed = !(outcome.key && forbidsPty(outcome.key)); // authorized_keys `no-pty` / `restrict`
      return ctx.accept();
    }
    if (outcome.kind === 'reject' && ctx.method !== 'none') {
      await server.audit.record({ ...base, ...key, ok: false, reason: outcome.reason });
    }
    if (outcome.counts) server.gate.failed(info.ip, info.port);
    ctx.reject(METHODS);
    if (outcome.counts && ++failures >= limits.maxAuthTries) {
      server.log.log('info', 'too many authentication failures', { conn, addr, user: ctx.username });
      client.end();
    }
  };

  const sessionLimitReached = (user: string): string | null => {
    const { maxSessions, maxSessionsPerUser } = server.config().limits;
    if (server.registry.size >= maxSessions) return `server full (${maxSessions} sessions)`;
    if (server.registry.countFor(user) >= maxSessionsPerUser) return `user has ${maxSessionsPerUser} sessions`;
    return null;
  };

  client.on('ready', () => {
    clearTimeout(grace);
    server.gate.authenticated(info.ip, info.port);
    if (acceptedUser !== null) register(acceptedUser);
  });

  client.on('session', (accept) => {
    if (!live) return;
    const session = live;
    serveSessionChannel(accept, {
      config: server.config,
      signal: lifetime.signal,
      ptyAllowed,
      refused: (request, detail) => refused(request, detail),
      touch: () => {
        session.lastActivity = new Date();
        idle.touch();
      },
      addNotifier: (notify) => (notifiers.add(notify), () => notifiers.delete(notify)),
      shellContext: (via, clientEnv, signal) => shellContext(session, via, clientEnv, signal),
    });
  });

  const refused = (request: string, detail?: string) => {
    void server.audit
      .record({ event: 'request-refused', conn, session: live?.id, user: live?.user, request, detail })
      .catch(() => undefined);
  };
  client.on('tcpip', (_accept, reject, i) => (refused('direct-tcpip', `${i.destIP}:${i.destPort}`), reject()));
  client.on('request', (_accept, reject, name) => (refused(name), reject?.()));
  client.on('openssh.streamlocal', (_accept, reject) => (refused('streamlocal'), reject()));

  const shellContext = (
    s: LiveSession,
    via: ShellContext['via'],
    clientEnv: Record<string, string>,
    signal: AbortSignal,
  ): ShellContext => {
    const token = {};
    const user = server.config().users.get(s.user) ?? { name: s.user, role: s.role, authorizedKeys: [] };
    return {
      id: s.id,
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
      setCommand: (line) => {
        for (const set of [server.busy, running]) {
          if (line === null) set.delete(token);
          else set.add(token);
        }
        s.command = line;
        s.lastActivity = new Date();
        idle.touch();
      },
    };
  };

  client.on('close', () => {
    clearTimeout(grace);
    idle.stop();
    lifetime.abort();
    if (live) server.registry.remove(live.id);
    const reason = live?.command ? 'closed while a command ran' : 'closed';
    void server.audit
      .record({
        event: 'disconnect',
        conn,
        session: live?.id,
        user: live?.user,
        reason,
        durationMs: Date.now() - startedAt,
      })
      .catch(() => undefined)
      .finally(() => server.open.delete(openToken));
  });

  // The session exists from the moment auth succeeded until the connection closes.
  const register = (username: string) => {
    const role = server.config().users.get(username)?.role ?? '?';
    live = {
      id: server.registry.nextId(),
      user: username,
      role,
      address: addr,
      clientVersion,
      since: new Date(),
      lastActivity: new Date(),
      command: null,
      end: (reason) => {
        for (const notify of notifiers) notify(`session ended: ${reason}`);
        lifetime.abort();
        client.end();
      },
      notify: (message) => notifiers.forEach((notify) => notify(message)),
    };
    server.registry.add(live);
    const session = live;
    idle = watchIdle(
      limits.idleTimeoutMs,
      () => running.size > 0, // any channel's command, not the last one to set session.command
      () => session.end('idle timeout'),
    );
    void server.audit
      .record({ event: 'session-start', session: live.id, user: username, role, addr, client: clientVersion })
      .catch(() => undefined);
  };
}
