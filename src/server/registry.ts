// The live sessions: what `sessions` lists and what `kill` and shutdown reach, with the ids they are known by.
import type { SessionSummary } from '../shell/control.ts';
import type { Session } from './session.ts';

export class SessionRegistry {
  #sessions = new Map<string, Session>();
  #next = 1;

  /** A new, never reused session id, short enough to type after `kill`. */
  nextId(): string {
    return `s${this.#next++}`;
  }

  add(session: Session): void {
    this.#sessions.set(session.id, session);
  }

  remove(id: string): void {
    this.#sessions.delete(id);
  }

  get(id: string): Session | undefined {
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

  all(): Session[] {
    return [...this.#sessions.values()];
  }

  /** A snapshot for the admin builtins, oldest first. */
  summaries(): SessionSummary[] {
    return this.all().map((s) => s.summary());
  }
}
