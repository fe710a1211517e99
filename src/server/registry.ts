// The live sessions: what `sessions` lists and what `kill` and shutdown reach. No ssh2 here: a session is registered
// with a function that ends it, whatever the transport.
import type { SessionSummary } from '../shell/control.ts';

/** A session as the registry holds it: the summary `sessions` shows, kept up to date, and the means to end it. */
export interface LiveSession extends Omit<SessionSummary, 'lastActivity' | 'command'> {
  lastActivity: Date;
  command: string | null;
  /** Ends the session: kills its commands and closes its connection. */
  end(reason: string): void;
  /** Says something to the user, for example that the server is shutting down. */
  notify(message: string): void;
}

export class SessionRegistry {
  #sessions = new Map<string, LiveSession>();
  #next = 1;

  /** A new, never reused session id, short enough to type after `kill`. */
  nextId(): string {
    return `s${this.#next++}`;
  }

  add(session: LiveSession): void {
    this.#sessions.set(session.id, session);
  }

  remove(id: string): void {
    this.#sessions.delete(id);
  }

  get(id: string): LiveSession | undefined {
    return this.#sessions.get(id);
  }

  get size(): number {
    return this.#sessions.size;
  }

  countFor(user: string): number {
    let n = 0;
    for (const s of this.#sessions.values()) if (s.user === user) n++;
    return n;
  }

  all(): LiveSession[] {
    return [...this.#sessions.values()];
  }

  /** A snapshot for the admin builtins, oldest first. */
  summaries(): SessionSummary[] {
    return this.all().map(({ end: _end, notify: _notify, ...summary }) => ({ ...summary }));
  }
}
