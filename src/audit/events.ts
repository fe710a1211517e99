// The audit trail's event types: one JSON line each, so an operator can grep, jq or ship them as they are.

export type AuditEvent =
  | { event: 'server-start'; listen: string; config: string }
  | { event: 'server-stop'; reason: string }
  | { event: 'config-reload'; ok: boolean; config: string; error?: string }
  | { event: 'connect'; conn: string; addr: string; client?: string }
  | {
      event: 'auth';
      conn: string;
      addr: string;
      user: string;
      method: string;
      ok: boolean;
      reason?: string;
      fingerprint?: string;
      keyType?: string;
    }
  | { event: 'session-start'; session: string; user: string; role: string; addr: string; client?: string }
  | {
      event: 'command';
      session: string;
      user: string;
      argv: readonly string[];
      line?: string;
      allowed: boolean;
      reason?: string;
      code?: number;
      via: Via;
      /** Protocol runs: the client's id for the run frame, the server's name for the run (its `started` frame's), and
       * the client's name from its hello frame. */
      id?: string;
      run?: string;
      client?: string;
    }
  | {
      event: 'exit';
      session: string;
      user: string;
      argv: readonly string[];
      code: number;
      signal: string | null;
      durationMs: number;
      stdoutBytes: number;
      stderrBytes: number;
      timedOut: boolean;
      truncated: boolean;
      canceled: boolean;
      id?: string;
      run?: string;
      client?: string;
    }
  | { event: 'admin'; session: string; user: string; action: string; target?: string; ok: boolean; reason?: string }
  | { event: 'request-refused'; session?: string; conn: string; user?: string; request: string; detail?: string }
  | { event: 'disconnect'; conn: string; session?: string; user?: string; reason: string; durationMs: number };

/** Which door a command came in by: the pty/plain shell, an exec request, or the automation protocol. */
export type Via = 'shell' | 'exec' | 'protocol';

export type AuditRecord = AuditEvent & { ts: string };
