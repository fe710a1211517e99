// What the shell may do to the server's live sessions. The shell declares this interface and the server implements it,
// so the admin builtins never import the server (or ssh2).

export interface SessionSummary {
  readonly id: string;
  readonly user: string;
  readonly role: string;
  readonly address: string;
  readonly clientVersion: string;
  readonly since: Date;
  readonly lastActivity: Date;
  /** The command line running now, if any. */
  readonly command: string | null;
}

export interface SessionControl {
  list(): SessionSummary[];
  /** Ends a session (its commands are killed); false when no such session exists. */
  kill(id: string, reason: string): boolean;
  /** Starts a graceful shutdown of the whole server. */
  shutdown(reason: string): void;
}
