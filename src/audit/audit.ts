// The audit trail. `record` resolves once the line has been handed to the OS, so callers can await it before they
// answer the client: an exit status never reaches a client before its audit line is written.
import { EventEmitter } from 'node:events';
import { open, type FileHandle } from 'node:fs/promises';
import type { AuditEntry, AuditRecord } from './events.ts';

export interface Audit {
  /** Writes one event; rejects when it could not be written (the caller must then refuse to go on unaudited). */
  record(event: AuditEntry): Promise<void>;
  /** Null while writes succeed; the last write error otherwise. */
  readonly failure: Error | null;
  close(): Promise<void>;
}

/** Serialises an event as one JSON line; JSON escapes control characters, so argv cannot forge extra lines. */
export function toLine(event: AuditEntry, now = new Date()): string {
  const record: AuditRecord = { ts: now.toISOString(), ...event };
  return `${JSON.stringify(record)}\n`;
}

/**
 * The same sink, with `instance` (the server run) on every record, right after `ts`, so that `jq 'select(.instance ==
 * "...")'` finds one run's records and the session ids of two runs never meet.
 */
export function stampedAudit(audit: Audit, instance: string): Audit {
  return {
    record: (event) => audit.record({ instance, ...event }),
    get failure() {
      return audit.failure;
    },
    close: () => audit.close(),
  };
}

/** An audit sink that keeps records in memory and emits 'record' for each, for tests. */
export class MemoryAudit extends EventEmitter implements Audit {
  readonly records: AuditRecord[] = [];
  readonly failure = null;
  async record(event: AuditEntry): Promise<void> {
    const record: AuditRecord = { ts: new Date().toISOString(), ...event };
    this.records.push(record);
    this.emit('record', record);
  }
  async close(): Promise<void> {}
}

/**
 * An append-only JSON-lines file. Lines queued while a write is in flight go out together in the next write.
 * `reopen` opens the same path again (after logrotate moved the file away) and switches to it between two writes.
 */
export class FileAudit implements Audit {
  #failure: Error | null = null;
  #queue: { line: string; done: (err: Error | null) => void }[] = [];
  #writing = false;
  #unfinished = false;
  #handle: FileHandle;
  /** A freshly opened file waiting for the write in flight to end; the writer switches to it before its next batch. */
  #next: { handle: FileHandle; switched: () => void } | null = null;
  /** Reopens run one after another, so two quick signals cannot interleave their switches. */
  #reopening: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: string,
    handle: FileHandle,
    private readonly onHealth: (failure: Error | null) => void,
  ) {
    this.#handle = handle;
  }

  /**
   * Opens (creating, mode 0600) the audit file for appending. `onHealth` hears when writes start failing (with the
   * error) and when they work again (null), so the server can say so loudly.
   */
  static async open(file: string, onHealth: (failure: Error | null) => void = () => {}): Promise<FileAudit> {
    return new FileAudit(file, await open(file, 'a', 0o600), onHealth);
  }

  get failure(): Error | null {
    return this.#failure;
  }

  record(event: AuditEntry): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ line: toLine(event), done: (err) => (err ? reject(err) : resolve()) });
      if (!this.#writing) void this.#flush();
    });
  }

  /**
   * Opens the audit path again (creating it, mode 0600) and writes every later batch there; resolves once switched.
   * Lines already handed to the old file stay there, lines still queued go to the new one, in order. If the path
   * cannot be opened, rejects and keeps writing to the old file.
   */
  reopen(): Promise<void> {
    const run = this.#reopening.then(() => this.#reopenNow());
    this.#reopening = run.catch(() => undefined);
    return run;
  }

  async #reopenNow(): Promise<void> {
    let handle: FileHandle;
    try {
      handle = await open(this.file, 'a', 0o600);
    } catch (err) {
      throw new Error(
        `cannot reopen the audit file ${this.file}: ${(err as Error).message}; still writing to the file opened before`,
      );
    }
    const switched = new Promise<void>((resolve) => (this.#next = { handle, switched: resolve }));
    if (!this.#writing) this.#switchFile();
    await switched;
  }

  // Called only between batches, so no write is in flight on the old handle when it is closed.
  #switchFile(): void {
    const next = this.#next;
    if (!next) return;
    this.#next = null;
    const old = this.#handle;
    this.#handle = next.handle;
    this.#unfinished = false; // a half-written line belongs to the old file; the new one starts clean
    old.close().catch(() => undefined); // nothing more is written to it; a failed close loses no record
    next.switched();
  }

  async #flush(): Promise<void> {
    this.#writing = true;
    while (this.#queue.length > 0) {
      this.#switchFile();
      const batch = this.#queue.splice(0);
      try {
        await this.#writeAll(batch.map((b) => b.line).join(''));
        if (this.#failure) this.onHealth(null);
        this.#failure = null;
        batch.forEach((b) => b.done(null));
      } catch (err) {
        this.#failure = err as Error;
        this.onHealth(this.#failure);
        batch.forEach((b) => b.done(err as Error));
      }
    }
    this.#switchFile();
    this.#writing = false;
  }

  // A short write (a nearly full disk, a file size limit) is not success: keep writing until every byte is down, so
  // the next attempt fails and the batch is refused. A line left half-written is ended before the next one.
  async #writeAll(text: string): Promise<void> {
    let rest = Buffer.from(this.#unfinished ? `\n${text}` : text);
    while (rest.length > 0) {
      this.#unfinished = true;
      const { bytesWritten } = await this.#handle.write(rest);
      if (bytesWritten === 0) throw new Error('the audit file accepts no more data');
      rest = rest.subarray(bytesWritten);
    }
    this.#unfinished = false;
  }

  async close(): Promise<void> {
    await this.#reopening;
    while (this.#writing) await new Promise((r) => setImmediate(r));
    await this.#handle.close();
  }
}

/** Writes audit lines to a stream (the server's stdout) when no audit file is configured. */
export class StreamAudit implements Audit {
  #failure: Error | null = null;
  constructor(private readonly stream: NodeJS.WritableStream) {}
  get failure(): Error | null {
    return this.#failure;
  }
  record(event: AuditEntry): Promise<void> {
    return new Promise((resolve, reject) => {
      this.stream.write(toLine(event), (err) => {
        this.#failure = err ?? null;
        if (err) reject(err);
        else resolve();
      });
    });
  }
  async close(): Promise<void> {}
}
