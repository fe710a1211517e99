// Output forwarding: copies a child's pipe to its destination as it arrives, with backpressure (the pipe pauses while
// the destination is full) and one output cap shared by stdout and stderr.
import type { Readable } from 'node:stream';

/** What is left of the output cap, shared by stdout and stderr. */
export interface OutputBudget {
  remaining: number;
}

/** One of the child's pipes being copied to its destination. */
export interface Forwarder {
  /** Bytes written to the destination so far. */
  readonly bytes: number;
  /** From now on, drop output the destination has no room for instead of waiting for it to drain. */
  stop(): void;
  /** Removes every listener this forwarder added. */
  detach(): void;
}

// Copies a pipe to a destination as it arrives, pausing the pipe while the destination is full (write() false).
export function forward(
  src: Readable,
  dest: NodeJS.WritableStream,
  budget: OutputBudget,
  onCap: () => void,
): Forwarder {
  let bytes = 0;
  let full = false;
  let stopping = false;
  const onDrain = (): void => {
    full = false;
    src.resume();
  };
  const onData = (chunk: Buffer): void => {
    if (!isOpen(dest)) return;
    if (full) {
      // Node resumes a child's pipes when it exits (flushStdio): pause again rather than queue without bound.
      if (stopping) return;
      src.pause();
    }
    const n = Math.min(chunk.length, budget.remaining);
    budget.remaining -= n;
    if (n < chunk.length) onCap();
    if (n === 0) return;
    bytes += n;
    if (dest.write(n === chunk.length ? chunk : chunk.subarray(0, n)) || full) return;
    full = true;
    dest.once('drain', onDrain);
    if (!stopping) src.pause();
  };
  const onClose = (): void => void src.resume(); // nobody will drain a closed destination: read and drop the rest
  src.on('data', onData);
  dest.on('close', onClose);
  return {
    get bytes() {
      return bytes;
    },
    stop() {
      stopping = true;
      src.resume();
    },
    detach() {
      src.off('data', onData);
      dest.off('drain', onDrain);
      dest.off('close', onClose);
    },
  };
}

// Whether a destination still accepts writes (a late write to a closed ssh2 channel never calls back).
export function isOpen(dest: NodeJS.WritableStream): boolean {
  const w = dest as NodeJS.WritableStream & { destroyed?: boolean; writableEnded?: boolean };
  return dest.writable !== false && w.destroyed !== true && w.writableEnded !== true;
}
