// The audit trail. `record` resolves once the line has been handed to the OS, so callers can await it before they
// answer the client: an exit status never reaches a client before its audit line is written.
import { EventEmitter } from 'node:events';
import { open, type FileHandle } from 'node:fs/promises';
import type { AuditEvent, AuditRecord } from './events.ts';

export interface Audit {
  /** Writes one event; rejects when it could not be written (the caller must then refuse to go on unaudited). */
  record(event: AuditEvent): Promise<void>;
  /** Null while writes succeed; the last write error otherwise. */
  readonly failure: Error | null;
  close(): Promise<void>;
}

/** Serialises an event as one JSON line; JSON escapes control characters, so argv cannot forge extra lines. */
export function toLine(event: AuditEvent, now = new Date()): string {
  const record: AuditRecord = { ts: now.toISOString(), ...event };
  return `${JSON.stringify(record)}\n`;
}

/** An audit sink that keeps records in memory and emits 'record' for each, for tests. */
export class MemoryAudit extends EventEmitter implements Audit {
  readonly records: AuditRecord[] = [];
  readonly failure = null;
  async record(event: AuditEvent): Promise<void> {
    const record: AuditRecord = { ts: new Date().toISOString(), ...event };
    this.records.push(record);
    this.emit('record', record);
  }
  async close(): Promise<void> {}
}

/** An append-only JSON-lines file. Lines queued while a write is in flight go out together in the next write. */
export class FileAudit implements Audit {
  #failure: Error | null = null;
  #queue: { line: string; done: (err: Error | null) => void }[] = [];
  #writing = false;
  #unfinished = false;

  private constructor(
    private readonly handle: FileHandle,
    private readonly onHealth: (failure: Error | null) => void,
  ) {}

  /**
   * Opens (creating, mode 0600) the audit file for appending. `onHealth` hears when writes start failing (with the
   * error) and when they work again (null), so the server can say so loudly.
   */
  static async open(file: string, onHealth: (failure: Error | null) => void = () => {}): Promise<FileAudit> {
    return new FileAudit(await open(file, 'a', 0o600), onHealth);
  }

  get failure(): Error | null {
    return this.#failure;
  }

  record(event: AuditEvent): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ line: toLine(event), done: (err) => (err ? reject(err) : resolve()) });
      if (!this.#writing) void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    this.#writing = true;
    while (this.#queue.length > 0) {
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
    this.#writing = false;
  }

  // A short write (a nearly full disk, a file size limit) is not success: keep writing until every byte is down, so
  // the next attempt fails and the batch is refused. A line left half-written is ended before the next one.
  async #writeAll(text: string): Promise<void> {
    let rest = Buffer.from(this.#unfinished ? `\n${text}` : text);
    while (rest.length > 0) {
      this.#unfinished = true;
      const { bytesWritten } = await this.handle.write(rest);
      if (bytesWritten === 0) throw new Error('the audit file accepts no more data');
      rest = rest.subarray(bytesWritten);
    }
    this.#unfinished = false;
  }

  async close(): Promise<void> {
    while (this.#writing) await new Promise((r) => setImmediate(r));
    await this.handle.close();
  }
}

/** Writes audit lines to a stream (the server's stderr) when no audit file is configured. */
export class StreamAudit implements Audit {
  #failure: Error | null = null;
  constructor(private readonly stream: NodeJS.WritableStream) {}
  get failure(): Error | null {
    return this.#failure;
  }
  record(event: AuditEvent): Promise<void> {
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
