// Output of one run as stdout/stderr frames on the shared channel, with the channel's backpressure passed back to
// the runner: a run whose client reads slowly is paused, the others go on as far as the channel allows.
import { Writable } from 'node:stream';
import { encodeFrame, type ServerFrame } from './frames.ts';

export interface FrameSink {
  /** Writes a frame; false when the channel's buffer is full (wait for 'drain'). */
  send(frame: ServerFrame): boolean;
  /** True while the channel's buffer is full: whoever can wait should. */
  full(): boolean;
  /** Resolves when the channel can take more, or has closed. */
  drained(): Promise<void>;
}

type SinkChannel = NodeJS.WritableStream & { writable?: boolean; writableNeedDrain?: boolean };

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

/** A FrameSink over a channel-like stream. Waiters share one pair of listeners, however many runs are waiting. */
export function channelSink(channel: SinkChannel): FrameSink {
  let waiting: Promise<void> | null = null;
  const open = () => channel.writable !== false;
  const wait = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        channel.removeListener('drain', done);
        channel.removeListener('close', done);
        waiting = null;
        resolve();
      };
      channel.on('drain', done);
      channel.on('close', done);
    });
  return {
    send: (frame) => (open() ? channel.write(encodeFrame(frame)) : true),
    full: () => open() && channel.writableNeedDrain === true,
    drained: () => (open() ? (waiting ??= wait()) : Promise.resolve()),
  };
}
