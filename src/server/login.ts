// The authentication of one connection: each request decided against the config, audited, counted against
// maxAuthTries and the source's penalties, and the session limits checked before a login is accepted.
import type { AuthContext, AuthenticationType } from 'ssh2';
import { forbidsPty } from '../auth/authorized-keys.ts';
import { authenticate } from './authenticate.ts';
import type { ServerContext } from './context.ts';
import type { Credential } from './session.ts';

const METHODS: AuthenticationType[] = ['publickey', 'password'];

/** Who the connection is, as the transport knows it before any login. */
export interface Peer {
  readonly conn: string;
  readonly addr: string;
  readonly ip: string;
  readonly port: number;
}

export class Login {
  /** The user whose login was accepted, once one was. */
  user: string | null = null;
  /** False when the key used carries `no-pty` or `restrict`. */
  ptyAllowed = true;
  /** How the accepted login authenticated, so that a reload can check it still would. */
  credential: Credential | null = null;
  #failures = 0;

  constructor(
    private readonly server: ServerContext,
    private readonly peer: Peer,
    /** Ends the connection (too many failures). */
    private readonly hangUp: () => void,
  ) {}

  /** Answers one auth request; never rejects (an unexpected failure refuses the request). */
  handle(ctx: AuthContext): void {
    void this.#decide(ctx).catch((err: Error) => {
      this.server.log.log('error', 'auth failed unexpectedly', { conn: this.peer.conn, error: err.message });
      ctx.reject(METHODS);
    });
  }

  async #decide(ctx: AuthContext): Promise<void> {
    const { server, peer } = this;
    // One password check (scrypt) at a time per source, so that a guessing source cannot delay other sources' logins.
    const turn = ctx.method === 'password' ? await server.gate.passwordTurn(peer.ip) : () => undefined;
    const outcome = await authenticate(ctx, server.config()).finally(turn);
    if (outcome.kind === 'key-ok') return ctx.accept();
    const base = { event: 'auth', conn: peer.conn, addr: peer.addr, user: ctx.username, method: ctx.method } as const;
    const key = { fingerprint: outcome.fingerprint, keyType: outcome.keyType };
    if (outcome.kind === 'accept') {
      const full = this.#sessionLimitReached(ctx.username);
      await server.audit.record({ ...base, ...key, ok: !full, reason: full ?? undefined });
      if (full) return ctx.reject(METHODS);
      this.user = ctx.username;
      this.ptyAllowed = !(outcome.key && forbidsPty(outcome.key)); // authorized_keys `no-pty` / `restrict`
      this.credential = credentialOf(ctx, outcome.user.passwordHash);
      return ctx.accept();
    }
    if (outcome.kind === 'reject' && ctx.method !== 'none') {
      await server.audit.record({ ...base, ...key, ok: false, reason: outcome.reason });
    }
    if (outcome.counts) server.gate.failed(peer.ip, peer.port);
    ctx.reject(METHODS);
    if (outcome.counts && ++this.#failures >= server.config().limits.maxAuthTries) {
      server.log.log('info', 'too many authentication failures', {
        conn: peer.conn,
        addr: peer.addr,
        user: ctx.username,
      });
      this.hangUp();
    }
  }

  #sessionLimitReached(user: string): string | null {
    const { maxSessions, maxSessionsPerUser } = this.server.config().limits;
    if (this.server.registry.size >= maxSessions) return `server full (${maxSessions} sessions)`;
    if (this.server.registry.countFor(user) >= maxSessionsPerUser) return `user has ${maxSessionsPerUser} sessions`;
    return null;
  }
}

// What a reload checks again: the password hash the login matched, or the public key it signed with.
function credentialOf(ctx: AuthContext, passwordHash: string | undefined): Credential | null {
  if (ctx.method === 'password' && passwordHash) return { method: 'password', passwordHash };
  if (ctx.method === 'publickey') return { method: 'publickey', algo: ctx.key.algo, data: ctx.key.data };
  return null;
}
