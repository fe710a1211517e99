// The authentication of one connection: each request decided against the config, audited, counted against
// maxAuthTries and the source's penalties, and the session limits checked before a login is accepted.
import type { AuthContext, AuthenticationType } from 'ssh2';
import { forbidsPty } from '../auth/authorized-keys.ts';
import { authenticate, type Grant } from './authenticate.ts';
import type { ServerContext } from './context.ts';
import { AuthSteps } from './second-factor.ts';
import type { Credential } from './session.ts';

// Every method served: the answer when a request fails unexpectedly (a connection's own list comes from AuthSteps).
const METHODS: AuthenticationType[] = ['publickey', 'password', 'keyboard-interactive'];

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
  /** What the accepted login was granted beyond its role (a forced command, the certificate it used). */
  grant: Grant | null = null;
  /** How the accepted login authenticated, so that a reload can check it still would. */
  credential: Credential | null = null;
  #failures = 0;
  /** Methods chained by authenticationMethods (a key, then a TOTP code): server/second-factor.ts. */
  readonly #steps = new AuthSteps();

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
    const check = () => authenticate(ctx, server.config(), { ip: peer.ip, now: new Date() }).finally(turn);
    const outcome = await this.#steps.decide(ctx, server, peer, check);
    if (outcome.kind === 'answered') return; // a partial success, or a keyboard-interactive probe refused quietly
    if (outcome.kind === 'key-ok') return ctx.accept();
    const base = { event: 'auth', conn: peer.conn, addr: peer.addr, user: ctx.username, method: ctx.method } as const;
    const key = { fingerprint: outcome.fingerprint, keyType: outcome.keyType };
    if (outcome.kind === 'accept') {
      const full = this.#sessionLimitReached(ctx.username);
      const { certificate, forcedCommand } = outcome.grant ?? {};
      const granted = { certificate, forcedCommand: forcedCommand ?? undefined };
      await server.audit.record({ ...base, ...key, ...granted, ok: !full, reason: full ?? undefined });
      if (full) return ctx.reject(this.#steps.methodsLeft(server.config()));
      this.user = ctx.username;
      // authorized_keys `no-pty` / `restrict`, a certificate without permit-pty
      this.ptyAllowed = outcome.grant ? outcome.grant.ptyAllowed : !(outcome.key && forbidsPty(outcome.key));
      this.grant = outcome.grant ?? null;
      this.credential = credentialOf(this.#steps.credentialContext(ctx), outcome.user.passwordHash);
      return ctx.accept();
    }
    if (outcome.kind === 'reject' && ctx.method !== 'none') {
      await server.audit.record({ ...base, ...key, ok: false, reason: outcome.reason });
    }
    if (outcome.counts) server.gate.failed(peer.ip, peer.port);
    ctx.reject(this.#steps.methodsLeft(server.config()));
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
