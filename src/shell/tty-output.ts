// Output for a pty session. A real pty's line discipline turns "\n" into "\r\n" (onlcr); Keyhole has no kernel pty,
// so this stream does it, passing backpressure through from the destination.
import { Writable } from 'node:stream';

/** A Writable that forwards to `target`, turning lone LF into CRLF; it stops writing once the target has closed. */
export function ttyOutput(target: NodeJS.WritableStream & { writable?: boolean; destroyed?: boolean }): Writable {
  let lastWasCr = false;
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      const text = Buffer.isBuffer(chunk) ? chunk.toString('latin1') : chunk;
      let out = '';
      for (const ch of text) {
        if (ch === '\n' && !lastWasCr) out += '\r';
        out += ch;
        lastWasCr = ch === '\r';
      }
      if (target.destroyed || target.writable === false) return callback();
      const buffer = Buffer.from(out, 'latin1');
      if (target.write(buffer)) return callback();
      const done = () => {
        target.removeListener('drain', done);
        target.removeListener('close', done);
        callback();
      };
      target.once('drain', done);
      target.once('close', done);
    },
  });
}

/** Resolves once everything written to `stream` so far has been handed on (writes are processed in order). */
export function flushed(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => stream.write(Buffer.alloc(0), () => resolve()));
}
