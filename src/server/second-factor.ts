// The steps of one connection's login when a user's authenticationMethods chain methods (sshd's AuthenticationMethods):
// a key or password that is not the last step is answered with partial success and the methods still needed, and
// keyboard-interactive asks for a TOTP code, accepted once. Login (login.ts) hands each request here; what comes back
// is authenticate's outcome, or `answered` when this module has replied to the client itself.
import type { AuthContext, AuthenticationType, KeyboardAuthContext } from 'ssh2';
import {
  afterSuccess,
  allowedNow,
  DEFAULT_CHAINS,
  isComplete,
  nextMethods,
  type AuthChain,
  type AuthMethod,
} from '../auth/methods.ts';
import { checkCode } from '../auth/totp.ts';
import type { Config } from '../config/types.ts';
import type { AuthOutcome } from './authenticate.ts';
import type { ServerContext } from './context.ts';

/** An outcome for Login: authenticate's, or `answered` (the client has its reply; nothing more to do). */
export type StepOutcome = AuthOutcome | { readonly kind: 'answered' };

type Accepted = Extract<AuthOutcome, { kind: 'accept' }>;
/** What the audit names the connection by (login.ts's Peer has these; not imported, to keep the two files acyclic). */
interface Peer {
  readonly conn: string;
  readonly addr: string;
}

const PROMPT = 'Verification code: ';

/** The methods offered before any success: keyboard-interactive only where a config has TOTP secrets. */
export function methodsOffered(config: Config): AuthenticationType[] {
  return config.totp ? ['publickey', 'password', 'keyboard-interactive'] : ['publickey', 'password'];
}

export class AuthSteps {
  /** The chains still open after a partial success; null before the first success. */
  #chains: AuthChain[] | null = null;
  #user: string | null = null;
  /** The first method that succeeded (its key, grant and credential are the login's), and its request. */
  #first: { readonly outcome: Accepted; readonly ctx: AuthContext } | null = null;

  /** What a failure answer lists: the methods still needed after a partial success, else those offered. */
  methodsLeft(config: Config): AuthenticationType[] {
    return this.#chains ? nextMethods(this.#chains) : methodsOffered(config);
  }

  /** The request whose credential a reload checks: the first method that succeeded (a key, a password). */
  credentialContext(ctx: AuthContext): AuthContext {
    return this.#first?.ctx ?? ctx;
  }

  /** Decides one request: keyboard-interactive here, the others by `check` (authenticate), then the chains. */
  async decide(
    ctx: AuthContext,
    server: ServerContext,
    peer: Peer,
    check: () => Promise<AuthOutcome>,
  ): Promise<StepOutcome> {
    const config = server.config();
    const user = config.users.get(ctx.username);
    const chains = this.#chains ?? user?.authenticationMethods ?? DEFAULT_CHAINS;
    if (this.#user !== null && ctx.username !== this.#user) {
      return { kind: 'reject', reason: `user changed from ${this.#user} after a partial success`, counts: true };
    }
    if (ctx.method === 'keyboard-interactive') {
      // A probe (OpenSSH tries it unasked) for a user who owes no code now: refused quietly, not counted.
      if (!this.#chains || !user || !allowedNow(chains, ctx.method)) {
        ctx.reject(this.methodsLeft(config));
        return { kind: 'answered' };
      }
      const outcome = await this.#askCode(ctx, server, user.name);
      return outcome.kind === 'accept' ? this.#passed(ctx, server, peer, chains, outcome) : outcome;
    }
    const outcome = await check();
    if (outcome.kind === 'key-ok' && !allowedNow(chains, 'publickey')) {
      return {
        kind: 'reject',
        reason: `publickey not expected now: ${nextMethods(chains).join(' or ')}`,
        counts: false,
      };
    }
    if (outcome.kind !== 'accept') return outcome;
    if (!allowedNow(chains, ctx.method)) {
      return {
        kind: 'reject',
        reason: `${ctx.method} not expected now: ${nextMethods(chains).join(' or ')}`,
        counts: true,
      };
    }
    return this.#passed(ctx, server, peer, chains, outcome);
  }

  // A method of the chain succeeded: the login is complete (the first method's outcome goes to Login), or partial
  // success is audited and answered with the methods still needed.
  async #passed(
    ctx: AuthContext,
    server: ServerContext,
    peer: Peer,
    chains: readonly AuthChain[],
    outcome: Accepted,
  ): Promise<StepOutcome> {
    const left = afterSuccess(chains, ctx.method as AuthMethod);
    const first = this.#first?.outcome;
    if (isComplete(left)) return first ? { ...first, user: outcome.user } : outcome;
    this.#chains = left;
    this.#user = ctx.username;
    this.#first ??= { outcome, ctx };
    const next = nextMethods(left);
    await server.audit.record({
      event: 'auth',
      conn: peer.conn,
      addr: peer.addr,
      user: ctx.username,
      method: ctx.method,
      ok: true,
      partial: true,
      reason: `${next.join(' or ')} next`,
      fingerprint: outcome.fingerprint,
      keyType: outcome.keyType,
    });
    ctx.reject(next, true);
    return { kind: 'answered' };
  }

  // Asks for the code and checks it against the user's secret (in the config now) and the steps already used. Neither
  // the code nor the secret leaves this function.
  async #askCode(ctx: KeyboardAuthContext, server: ServerContext, name: string): Promise<AuthOutcome | StepOutcome> {
    const answers = await new Promise<string[] | Error>((resolve) =>
      ctx.prompt([{ prompt: PROMPT, echo: false }], resolve),
    );
    if (answers instanceof Error) return { kind: 'answered' }; // the client started another request instead
    const config = server.config(); // a reload while the user typed may have changed the secret
    const user = config.users.get(name);
    const secret = config.totp?.secrets.get(name);
    if (!user || !secret) return { kind: 'reject', reason: 'no TOTP secret for user', counts: true };
    const now = Date.now();
    const code = answers[0] ?? '';
    const result = checkCode(secret, code, now, server.usedCodes.lastStep(name, now));
    if (!result.ok) return { kind: 'reject', reason: result.reason, counts: true };
    // Checked and claimed in the same tick: two connections racing with one code cannot both pass.
    if (!server.usedCodes.claim(name, result.step, now)) {
      return { kind: 'reject', reason: 'code already used', counts: true };
    }
    return { kind: 'accept', user };
  }
}
