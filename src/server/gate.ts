// The door before SSH: every TCP connection passes here before ssh2 sees it. It refuses sources under penalty and
// connections beyond maxStartups (unauthenticated at once), counts who is still unauthenticated, and turns a
// connection that ends without logging in into a penalty for its source: `authfail` when it failed auth, `noauth`
// when it never tried (per connection, as OpenSSH's PerSourcePenalties count them).
import net from 'node:net';
import type { Logger } from '../log.ts';
import { Penalties, sourceOf } from './penalties.ts';

export interface GateOptions {
  maxStartups(): number;
  readonly penalties: Penalties | null;
  readonly log: Logger;
  /** Hands an admitted socket to ssh2. */
  readonly admit: (socket: net.Socket) => void;
  readonly now?: () => number;
}

export interface Gate {
  readonly server: net.Server;
  /** Called by the connection once auth succeeded: it no longer counts against maxStartups. */
  authenticated(ip: string, port: number): void;
  /** Called by the connection when an auth attempt failed: its end then costs an `authfail` penalty. */
  failed(ip: string, port: number): void;
  /** Ends every connection that has not authenticated (at shutdown). */
  closeAll(): void;
  /** Counters, for tests and the log. */
  readonly stats: { refusedPenalty: number; refusedStartups: number; unauthenticated: () => number };
}

/** Creates the listening socket's server with the gate's checks in front of ssh2. */
export function createGate(opts: GateOptions): Gate {
  const now = opts.now ?? Date.now;
  const pending = new Map<string, { authed: boolean; failed: boolean; socket: net.Socket }>();
  const stats = { refusedPenalty: 0, refusedStartups: 0, unauthenticated: () => pending.size };

  const server = net.createServer((socket) => {
    socket.on('error', () => undefined); // a reset before ssh2 takes over must not crash the server
    const ip = socket.remoteAddress ?? '';
    const source = sourceOf(ip);
    if (opts.penalties?.refused(source, now())) {
      stats.refusedPenalty++;
      opts.log.log('info', 'refused: source under penalty', { source, left: opts.penalties.remaining(source, now()) });
      return void socket.destroy();
    }
    if (pending.size >= opts.maxStartups()) {
      stats.refusedStartups++;
      opts.log.log('warn', 'refused: too many unauthenticated connections (maxStartups)', { source });
      return void socket.destroy();
    }
    const key = `${ip}:${socket.remotePort}`;
    const state = { authed: false, failed: false, socket };
    pending.set(key, state);
    socket.once('close', () => {
      if (pending.get(key) === state) pending.delete(key);
      if (!state.authed) opts.penalties?.add(source, state.failed ? 'authfail' : 'noauth', now());
    });
    opts.admit(socket);
  });

  return {
    server,
    stats,
    authenticated(ip, port) {
      const key = `${ip}:${port}`;
      const state = pending.get(key);
      if (state) state.authed = true;
      pending.delete(key);
    },
    closeAll() {
      for (const { socket } of pending.values()) socket.destroy();
    },
    failed(ip, port) {
      const state = pending.get(`${ip}:${port}`);
      if (state) state.failed = true;
    },
  };
}
