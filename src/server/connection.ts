// One client connection: the login (login.ts) within the grace time (gate.ts counts it from TCP accept), the live
// session once authenticated, session channels handed to channel.ts, every other request refused, and the clean-up
// and audit when it closes.
import type { ClientInfo, Connection, Session as SshSession } from 'ssh2';
import { printable } from '../line/printable.ts';
import { serveSessionChannel } from './channel.ts';
import type { ServerContext } from './context.ts';
import { Login, type Peer } from './login.ts';
import { Session } from './session.ts';
import { rejectProhibited } from '../ssh/refuse-channel.ts';

// What a refused forwarding says, as OpenSSH's `administratively prohibited` does.
const FORWARDING_DISABLED = 'port forwarding is disabled on this server';

declare module 'ssh2' {
  interface Connection {
    // Present in ssh2 1.x, missing from @types/ssh2: without it every login pays Nagle/delayed-ACK stalls.
    setNoDelay(noDelay?: boolean): this;
  }
}

let connections = 0;

/** Serves one connection until it closes. */
export function serveConnection(client: Connection, info: ClientInfo, server: ServerContext): void {
  new ClientConnection(client, info, server).start();
}

class ClientConnection {
  readonly #peer: Peer;
  readonly #clientVersion: string;
  readonly #startedAt = Date.now();
  readonly #login: Login;
  /** Until its disconnect is audited, the drain waits for this connection. */
  readonly #release: () => void;
  #session: Session | null = null;
  /** Session channels open now. */
  #channels = 0;
  /** What the first key exchange agreed (rekeys keep it): audited on session-start, to find clients without ML-KEM. */
  #transport: { kex: string; cipher: string } | undefined;
  /** The first error ssh2 reported, for the disconnect record. */
  #error: string | undefined;

  constructor(
    private readonly client: Connection,
    info: ClientInfo,
    private readonly server: ServerContext,
  ) {
    this.#peer = { conn: `c${++connections}`, addr: `${info.ip}:${info.port}`, ip: info.ip, port: info.port };
    this.#clientVersion = printable(info.header.versions.software ?? info.header.identRaw);
    this.#login = new Login(server, this.#peer, () => client.end());
    this.#release = server.open.begin();
  }

  start(): void {
    const { client, server } = this;
    const { conn, addr } = this.#peer;
    client.setNoDelay(true);
    void server.audit.record({ event: 'connect', conn, addr, client: this.#clientVersion }).catch(() => undefined);
    client.on('error', (err: Error & { level?: string }) => {
      server.log.log('debug', 'connection error', { conn, addr, error: err.message, level: err.level });
      this.#error ??= printable(err.message);
    });
    client.once('handshake', (n) => (this.#transport = { kex: n.kex, cipher: n.cs.cipher }));
    client.on('authentication', (ctx) => this.#login.handle(ctx));
    client.on('ready', () => this.#ready());
    client.on('session', (accept, reject) => this.#channel(accept, reject));
    client.on('tcpip', (_accept, reject, i) => {
      this.#refused('direct-tcpip', `${i.destIP}:${i.destPort}`);
      rejectProhibited(client, reject, FORWARDING_DISABLED);
    });
    client.on('request', (_accept, reject, name) => (this.#refused(name), reject?.()));
    client.on('openssh.streamlocal', (_accept, reject) => {
      this.#refused('streamlocal');
      rejectProhibited(client, reject, FORWARDING_DISABLED);
    });
    client.on('close', () => this.#closed());
  }

  // The session exists from the moment auth succeeded until the connection closes.
  #ready(): void {
    const { server, client } = this;
    server.gate.authenticated(this.#peer.ip, this.#peer.port);
    const user = this.#login.user;
    if (user === null) return;
    const role = server.config().users.get(user)?.role ?? '?';
    const session = new Session({
      id: server.registry.nextId(),
      user,
      role,
      address: this.#peer.addr,
      ip: this.#peer.ip,
      credential: this.#login.credential,
      clientVersion: this.#clientVersion,
      idleTimeoutMs: server.config().limits.idleTimeoutMs,
      forcedCommand: this.#login.grant?.forcedCommand ?? null,
      certificate: this.#login.grant?.certificate ?? null,
      busy: server.busy,
      close: () => client.end(),
    });
    this.#session = session;
    server.registry.add(session);
    const start = { event: 'session-start', session: session.id, user, role, addr: this.#peer.addr } as const;
    const { certificate, forcedCommand } = session;
    const granted = { certificate: certificate ?? undefined, forcedCommand: forcedCommand ?? undefined };
    void server.audit
      .record({ ...start, client: this.#clientVersion, ...this.#transport, ...granted })
      .catch(() => undefined);
  }

  // A session channel, within limits.maxChannelsPerConnection (OpenSSH MaxSessions) and never on an ended session
  // (one a reload revoked, for example). ssh2's reject sends no reason text; the audit record says which limit.
  #channel(accept: () => SshSession, reject: () => void): void {
    const session = this.#session;
    if (!session || session.signal.aborted) return (this.#refused('session', 'the session has ended'), reject());
    const max = this.server.config().limits.maxChannelsPerConnection;
    if (this.#channels >= max)
      return (this.#refused('session', `${max} channels open (maxChannelsPerConnection)`), reject());
    const counted = () => {
      this.#channels++;
      return accept().once('close', () => this.#channels--);
    };
    const refused = (request: string, detail?: string) => this.#refused(request, detail);
    serveSessionChannel(counted, { session, server: this.server, ptyAllowed: this.#login.ptyAllowed, refused });
  }

  #refused(request: string, detail?: string): void {
    const { id: session, user } = this.#session ?? {};
    const record = { event: 'request-refused', conn: this.#peer.conn, session, user, request, detail } as const;
    void this.server.audit.record(record).catch(() => undefined);
  }

  #closed(): void {
    const session = this.#session;
    session?.closed();
    if (session) this.server.registry.remove(session.id);
    const reason = session?.command ? 'closed while a command ran' : 'closed';
    const durationMs = Date.now() - this.#startedAt;
    const record = { event: 'disconnect', conn: this.#peer.conn, session: session?.id, user: session?.user } as const;
    void this.server.audit
      .record({ ...record, reason, durationMs, ...(this.#error !== undefined && { error: this.#error }) })
      .catch(() => undefined)
      .finally(this.#release);
  }
}
