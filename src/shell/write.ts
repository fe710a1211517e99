// Writing to a client's channel with backpressure: when write() says the buffer is full, wait for 'drain'; never wait
// on a channel that has closed (a late write to an ssh2 channel never calls back, see NOTES.md).
import { once } from 'node:events';

type Sink = NodeJS.WritableStream & { writableNeedDrain?: boolean; writable?: boolean; destroyed?: boolean };

/** Writes `text` unless the stream has closed; resolves once the stream can take more (or closed, or `signal`). */
export async function writeText(stream: Sink, text: string, signal?: AbortSignal): Promise<void> {
  if (!isOpen(stream)) return;
  if (!stream.write(text)) await drained(stream, signal);
}

/** Resolves once `stream` is below its high-water mark again, or it closed or failed, or `signal` aborted. */
export async function drained(stream: Sink, signal?: AbortSignal): Promise<void> {
  if (!stream.writableNeedDrain || !isOpen(stream) || signal?.aborted) return;
  const stop = new AbortController();
  const abort = () => stop.abort();
  signal?.addEventListener('abort', abort, { once: true });
  const wait = (event: string) => once(stream as NodeJS.EventEmitter, event, { signal: stop.signal });
  try {
    await Promise.race([wait('drain'), wait('close'), wait('error'), wait('finish')]);
  } catch {
    // aborted (the session or channel ended) or the stream failed: there is nothing left to wait for
  } finally {
    stop.abort();
    signal?.removeEventListener('abort', abort);
  }
}

/** Whether writing to `stream` can still reach the client. */
export function isOpen(stream: Sink): boolean {
  return !stream.destroyed && stream.writable !== false;
}

// Text queued per stream in this tick; a WeakMap so a closed channel's entry goes with it.
const queued = new WeakMap<Sink, string>();

/**
 * Writes `text` together with the rest queued for `stream` in the same tick: a builtin's lines go out as one write
 * (one SSH packet, not one per line), still before anything the caller awaits next.
 */
export function queueText(stream: Sink, text: string): void {
  const before = queued.get(stream);
  queued.set(stream, (before ?? '') + text);
  if (before !== undefined) return;
  queueMicrotask(() => {
    const all = queued.get(stream) ?? '';
    queued.delete(stream);
    if (isOpen(stream)) stream.write(all);
  });
}
