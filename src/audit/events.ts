// The audit trail's event types: one JSON line each, so an operator can grep, jq or ship them as they are.

export type AuditEvent =
  | {
      event: 'server-start';
      listen: string;
      config: string;
      /** How commands are confined: the mode, the kernel's Landlock ABI, whether the helper is built, and why not full. */
      confinement: { mode: string; landlockAbi: number; helper: boolean; reason?: string };
    }
  | { event: 'server-stop'; reason: string }
  | { event: 'config-reload'; ok: boolean; config: string; error?: string }
  | { event: 'connect'; conn: string; addr: string; client?: string }
  /** The gate (server/gate-records.ts): a source's penalty passed the threshold (`added` and `left` in seconds). */
  | { event: 'penalty'; source: string; kind: 'authfail' | 'noauth' | 'grace-exceeded'; added: number; left: number }
  /** The gate refused `count` connections before SSH (one record per source and reason per 10 s); `left`: penalty s. */
  | {
      event: 'refused';
      source: string;
      reason: 'penalty' | 'startups' | 'startups-per-source' | 'random-early-drop';
      count: number;
      left?: number;
    }
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
      /** The method succeeded but the user's authenticationMethods need more (`reason` names what comes next). */
      partial?: boolean;
      /** A certificate login: what the CA vouched for (also on session-start, and in `sessions`). */
      certificate?: CertificateSummary;
      /** The line a certificate's force-command or a key's command= confines the session to. */
      forcedCommand?: string;
    }
  | {
      event: 'session-start';
      session: string;
      user: string;
      role: string;
      addr: string;
      client?: string;
      /** The key exchange and client-to-server cipher of the connection's first key exchange. */
      kex?: string;
      cipher?: string;
      certificate?: CertificateSummary;
      forcedCommand?: string;
    }
  | {
      event: 'command';
      session: string;
      user: string;
      /** The client's address (ip:port), as on the session-start record, so one line says who ran what from where. */
      addr: string;
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
  /** Refusals with the same reason in one session after the first (written as a `command` record) within an interval
   * (audit/session-audit.ts): `count` of them, exactly, from `first` to `last`. */
  | {
      event: 'refusals-coalesced';
      session: string;
      user: string;
      via: Via;
      reason: string;
      code?: number;
      count: number;
      first: string;
      last: string;
    }
  /** The session passed limits.auditBytesPerMinute and was ended. */
  | { event: 'audit-budget'; session: string; user: string; bytesPerMinute: number }
  | {
      event: 'exit';
      session: string;
      user: string;
      addr: string;
      argv: readonly string[];
      code: number;
      /** Why the program did not start (its cwd or program is missing, EACCES), as the client was told. */
      error?: string;
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
  | {
      event: 'admin';
      session: string;
      user: string;
      action: string;
      target?: string;
      ok: boolean;
      reason?: string;
      /** A refused `admin` elevation: the source's address, and the penalty seconds a lock-out added to it. */
      addr?: string;
      penaltySec?: number;
    }
  /** A live session ended by a config reload: its user was removed, or the way it logged in no longer works. */
  | { event: 'revoked'; session: string; user: string; reason: string }
  | { event: 'request-refused'; session?: string; conn: string; user?: string; request: string; detail?: string }
  | {
      event: 'disconnect';
      conn: string;
      session?: string;
      user?: string;
      reason: string;
      durationMs: number;
      /** The first transport error, when one ended the connection (a failed key exchange names what was wrong). */
      error?: string;
    };

/** Which door a command came in by: the pty/plain shell, an exec request, or the automation protocol. */
/** A user certificate as the audit and `sessions` name it; the serial is a decimal string (it is a uint64). */
export interface CertificateSummary {
  readonly keyId: string;
  readonly serial: string;
  /** The CA key's SHA256 fingerprint. */
  readonly ca: string;
  readonly principal: string;
  readonly extensions: readonly string[];
}

export type Via = 'shell' | 'exec' | 'protocol';

/** An event as a sink takes it: with the server run that wrote it (`stampedAudit`), when a server wrote it. */
export type AuditEntry = AuditEvent & { instance?: string };

/** A written record: the entry with its time. */
export type AuditRecord = AuditEntry & { ts: string };
