// One live session, from a successful login until its connection closes: who it is, what it runs now, the lifetime
// that kills its commands, the notices it receives, and the idle watch. The registry lists these; channels receive one.
import type { CertificateSummary } from '../audit/events.ts';
import type { SessionSummary } from '../shell/control.ts';
import { watchIdle, type IdleWatch } from './idle.ts';
import { Slots } from './slots.ts';
import type { WorkGroup } from './work.ts';

/** How the session logged in, so that a reload can tell whether that still works (see revoke.ts). */
export type Credential =
  | { readonly method: 'password'; readonly passwordHash: string }
  | { readonly method: 'publickey'; readonly algo: string; readonly data: Buffer };

export interface SessionInit {
  readonly id: string;
  readonly user: string;
  readonly role: string;
  /** `ip:port` of the client, and the ip alone. */
  readonly address: string;
  readonly ip: string;
  readonly credential: Credential | null;
  readonly clientVersion: string;
  readonly idleTimeoutMs: number;
  /** The one line this login may run (a certificate's force-command, a key's command=), or null. */
  readonly forcedCommand: string | null;
  /** The certificate the login used, for `sessions`. */
  readonly certificate: CertificateSummary | null;
  /** The server's count of lines and runs in progress, which a shutdown waits for. */
  readonly busy: WorkGroup;
  /** Closes the connection (the transport's business, not the session's). */
  readonly close: () => void;
}

export class Session {
  readonly id: string;
  readonly user: string;
  /** The user's role, as `sessions` shows it: a reload that changes it updates it (revoke.ts). */
  role: string;
  readonly address: string;
  readonly ip: string;
  readonly credential: Credential | null;
  readonly clientVersion: string;
  readonly forcedCommand: string | null;
  readonly certificate: CertificateSummary | null;
  readonly since = new Date();
  /** Protocol runs in flight across the connection's channels (limits.maxRunsPerConnection). */
  readonly runs = new Slots();
  lastActivity = new Date();
  /** The line or run in progress most recently started on any channel, for `sessions`. */
  command: string | null = null;
  readonly #lifetime = new AbortController();
  readonly #notifiers = new Set<(message: string) => void>();
  /** Channels with a line or run in progress: a session with one is never idle. */
  readonly #running = new Set<object>();
  /** Channels whose door (shell, exec, subsystem) is open: their exit status has not been sent yet. */
  readonly #doors = new Set<object>();
  readonly #gone: Promise<void>;
  #markGone!: () => void;
  readonly #idle: IdleWatch;
  readonly #busy: WorkGroup;
  readonly #close: () => void;

  constructor(init: SessionInit) {
    ({ id: this.id, user: this.user, role: this.role, address: this.address } = init);
    ({ ip: this.ip, credential: this.credential, clientVersion: this.clientVersion } = init);
    ({ forcedCommand: this.forcedCommand, certificate: this.certificate } = init);
    this.#busy = init.busy;
    this.#close = init.close;
    this.#gone = new Promise((resolve) => (this.#markGone = resolve));
    this.#idle = watchIdle(
      init.idleTimeoutMs,
      () => this.#running.size > 0, // any channel's command, not the last one to set `command`
      () => this.end('idle timeout'),
    );
  }

  /** Aborted when the session ends: every command of the session is killed. */
  get signal(): AbortSignal {
    return this.#lifetime.signal;
  }

  /** Input arrived: the session is not idle. */
  touch(): void {
    this.lastActivity = new Date();
    this.#idle.touch();
  }

  /** Tells every channel's user something, for example that the server is shutting down. */
  notify(message: string): void {
    for (const notify of this.#notifiers) notify(message);
  }

  /** Lets `notify` reach one channel; returns the function that stops it. */
  listen(notify: (message: string) => void): () => void {
    this.#notifiers.add(notify);
    return () => this.#notifiers.delete(notify);
  }

  /** What one channel runs now: give it the line (or run label) when work starts, and null when it ends. */
  activity(): (line: string | null) => void {
    const token = {};
    let release: (() => void) | null = null;
    return (line) => {
      if (line === null) {
        release?.();
        release = null;
        this.#running.delete(token);
      } else {
        release ??= this.#busy.begin();
        this.#running.add(token);
      }
      this.command = line;
      this.touch();
    };
  }

  /** Counts a channel's open door until the returned function is called (calling it again does nothing). */
  door(): () => void {
    const token = {};
    this.#doors.add(token);
    return () => this.#doors.delete(token);
  }

  /** True while a channel's door is open: something on the session still waits for an exit status. */
  get serving(): boolean {
    return this.#doors.size > 0;
  }

  /** Resolves when the connection has closed. */
  get gone(): Promise<void> {
    return this.#gone;
  }

  /** Ends the session: says why, kills its commands and closes its connection. */
  end(reason: string): void {
    this.notify(`session ended: ${reason}`);
    this.#lifetime.abort();
    this.#close();
  }

  /** The connection closed: stop watching and kill what still runs. */
  closed(): void {
    this.#idle.stop();
    this.#lifetime.abort();
    this.#markGone();
  }

  /** The row `sessions` shows. */
  summary(): SessionSummary {
    const { id, user, role, address, clientVersion, since, lastActivity, command, certificate } = this;
    return { id, user, role, address, clientVersion, since, lastActivity, command, certificate };
  }
}
