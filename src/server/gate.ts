// The door before SSH: every TCP connection passes here before ssh2 sees it. It refuses sources under penalty and
// connections beyond the startups limits (per source, and in total with random early drop), gives each admitted one
// the login grace time from accept, and turns a connection that ends without logging in into a penalty for its
// source: `grace-exceeded` when the grace time closed it, `authfail` when it failed auth, `noauth` when it never
// tried (per connection, as OpenSSH's PerSourcePenalties count them). Refusals and penalties are audited, coalesced.
import net from 'node:net';
import type { Limits } from '../config/types.ts';
import type { Logger } from '../log.ts';
import type { GateRecords } from './gate-records.ts';
import { Penalties, sourceOf, type PenaltyKind } from './penalties.ts';
import { Startups } from './startups.ts';
import { Turns } from './turns.ts';

export interface GateOptions {
  /** The limits in force now (a reload changes them for the next connection). */
  limits(): Pick<Limits, 'maxStartups' | 'maxStartupsPerSource' | 'loginGraceTimeMs'>;
  readonly penalties: Penalties | null;
  readonly log: Logger;
  readonly records: GateRecords;
  /** Hands an admitted socket to ssh2. */
  readonly admit: (socket: net.Socket) => void;
  readonly now?: () => number;
  /** For random early drop; [0, 1) as Math.random. */
  readonly random?: () => number;
}

export interface GateStats {
  refusedPenalty: number;
  /** Beyond maxStartups: at `full`, or by random early drop between `start` and `full`. */
  refusedStartups: number;
  refusedPerSource: number;
  /** Connections the login grace time closed. */
  graceExceeded: number;
  unauthenticated: () => number;
}

export interface Gate {
  readonly server: net.Server;
  /** Called by the connection once auth succeeded: it no longer counts against the startups limits or the grace. */
  authenticated(ip: string, port: number): void;
  /** Called by the connection when an auth attempt failed: its end then costs an `authfail` penalty. */
  failed(ip: string, port: number): void;
  /** Adds an `authfail` penalty to the source of `ip` now (an admin lock-out); returns the seconds it has left. */
  penalise(ip: string): number;
  /** Waits until the source of `ip` has no other password check running (see turns.ts); returns its end. */
  passwordTurn(ip: string): Promise<() => void>;
  /** Ends every connection that has not authenticated (at shutdown), and writes the audit counts still pending. */
  closeAll(): void;
  /** Counters, for tests and the log. */
  readonly stats: GateStats;
}

/** One admitted connection until it authenticates or closes. */
interface Pending {
  readonly source: string;
  readonly socket: net.Socket;
  readonly grace: NodeJS.Timeout;
  failed: boolean;
  graceExceeded: boolean;
}

/** Creates the listening socket's server with the gate's checks in front of ssh2. */
export function createGate(opts: GateOptions): Gate {
  return new FrontDoor(opts);
}

class FrontDoor implements Gate {
  readonly server: net.Server;
  readonly stats: GateStats;
  readonly #pending = new Map<string, Pending>();
  readonly #startups = new Startups();
  readonly #turns = new Turns();
  readonly #now: () => number;
  #closing = false;

  constructor(private readonly opts: GateOptions) {
    this.#now = opts.now ?? Date.now;
    this.stats = {
      refusedPenalty: 0,
      refusedStartups: 0,
      refusedPerSource: 0,
      graceExceeded: 0,
      unauthenticated: () => this.#pending.size,
    };
    this.server = net.createServer((socket) => this.#accept(socket));
  }

  authenticated(ip: string, port: number): void {
    const key = `${ip}:${port}`;
    const state = this.#pending.get(key);
    if (!state) return;
    clearTimeout(state.grace);
    this.#pending.delete(key);
    this.#startups.release(state.source);
  }

  failed(ip: string, port: number): void {
    const state = this.#pending.get(`${ip}:${port}`);
    if (state) state.failed = true;
  }

  penalise(ip: string): number {
    const source = sourceOf(ip);
    this.#penalise(source, 'authfail');
    return this.opts.penalties?.remaining(source, this.#now()) ?? 0;
  }

  passwordTurn(ip: string): Promise<() => void> {
    return this.#turns.take(sourceOf(ip));
  }

  closeAll(): void {
    this.#closing = true;
    for (const { socket } of this.#pending.values()) socket.destroy();
    this.opts.records.flushAll();
  }

  // A new TCP connection: refused at once, or counted as unauthenticated with the grace time running from now.
  #accept(socket: net.Socket): void {
    socket.on('error', () => undefined); // a reset before ssh2 takes over must not crash the server
    const source = sourceOf(socket.remoteAddress ?? '');
    if (!this.#admissible(source)) return void socket.destroy();
    const key = `${socket.remoteAddress}:${socket.remotePort}`;
    const grace = setTimeout(() => {
      state.graceExceeded = true;
      this.stats.graceExceeded++;
      this.opts.log.log('info', 'login grace time over', { addr: key });
      socket.destroy();
    }, this.opts.limits().loginGraceTimeMs);
    grace.unref();
    const state: Pending = { source, socket, grace, failed: false, graceExceeded: false };
    this.#pending.set(key, state);
    socket.once('close', () => {
      clearTimeout(grace);
      if (this.#pending.get(key) !== state) return; // authenticated: no longer the gate's
      this.#pending.delete(key);
      this.#startups.release(source);
      this.#penalise(source, state.graceExceeded ? 'grace-exceeded' : state.failed ? 'authfail' : 'noauth');
    });
    this.opts.admit(socket);
  }

  // Whether `source` may open one more connection now; records why not.
  #admissible(source: string): boolean {
    const { penalties, records } = this.opts;
    if (penalties?.refused(source, this.#now())) {
      this.stats.refusedPenalty++;
      records.refused(source, 'penalty', penalties.remaining(source, this.#now()));
      return false;
    }
    const limits = this.opts.limits();
    const refusal = this.#startups.admit(source, limits.maxStartups, limits.maxStartupsPerSource, this.opts.random);
    if (refusal === null) return true;
    if (refusal === 'startups-per-source') this.stats.refusedPerSource++;
    else this.stats.refusedStartups++;
    records.refused(source, refusal);
    return false;
  }

  // A connection that ends unauthenticated costs its source a penalty; crossing the threshold is audited.
  #penalise(source: string, kind: PenaltyKind): void {
    const { penalties } = this.opts;
    if (!penalties || this.#closing) return;
    const now = this.#now();
    const before = penalties.refused(source, now);
    const left = penalties.add(source, kind, now);
    if (!before && penalties.refused(source, now))
      this.opts.records.penalty(source, kind, penalties.secondsFor(kind), left);
  }
}
