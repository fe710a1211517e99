// Output of one run as stdout/stderr frames on the shared channel, with the channel's backpressure passed back to
// the runner: a run whose client reads slowly is paused, the others go on as far as the channel allows.
import { Writable } from 'node:stream';
import { encodeFrame, type ServerFrame } from './frames.ts';

export interface FrameSink {
  /** Writes a frame; false when the channel's buffer is full (wait for 'drain'). */
  send(frame: ServerFrame): boolean;
  /** Resolves when the channel can take more, or has closed. */
  drained(): Promise<void>;
}

/** A Writable that wraps each chunk as a base64 `stdout`/`stderr` frame for run `id`. */
export function frameWriter(sink: FrameSink, id: string, type: 'stdout' | 'stderr'): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (chunk.length === 0) return callback(); // flushed() probes with empty writes: they are not output
      if (sink.send({ type, id, data: chunk.toString('base64') })) return callback();
      void sink.drained().then(() => callback());
    },
  });
}

/** A FrameSink over a channel-like stream. */
export function channelSink(channel: NodeJS.WritableStream & { writable?: boolean }): FrameSink {
  return {
    send: (frame) => (channel.writable === false ? true : channel.write(encodeFrame(frame))),
    drained: () =>
      new Promise((resolve) => {
        if (channel.writable === false) return resolve();
        const done = () => {
          channel.removeListener('drain', done);
          channel.removeListener('close', done);
          resolve();
        };
        channel.once('drain', done);
        channel.once('close', done);
      }),
  };
}
