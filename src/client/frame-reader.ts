// The server's frames off a keyhole-v1 channel, checked by the protocol's codec: each valid frame is handed on, and
// the first invalid one ends the reading with a ConnectionError that says what was wrong, never a crash.
import { FrameDecoder } from '../protocol/decoder.ts';
import { MAX_FRAME_BYTES, type ServerFrame } from '../protocol/frames.ts';
import { parseServerFrame } from '../protocol/server-frames.ts';
import { ConnectionError } from './errors.ts';

/** What the reader needs of a channel: an ssh2 ClientChannel has it (ssh2 itself stays in the transport). */
export interface FrameSource {
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  close(): unknown;
}

export interface FrameHandlers {
  /** A valid frame, in the order the server sent it. */
  frame(frame: ServerFrame): void;
  /** The server sent something that is not a valid frame; the channel is being closed, and nothing more is read. */
  invalid(error: ConnectionError): void;
  /** The channel closed (after `invalid` too). */
  closed(): void;
}

/** Reads server frames from `channel` until it closes or a frame is invalid. */
export function readServerFrames(channel: FrameSource, handlers: FrameHandlers): void {
  // Twice the server's own limit: a list frame grows with the commands, and the spec asks for at least that.
  const decoder = new FrameDecoder(parseServerFrame, MAX_FRAME_BYTES * 2);
  let broken = false;
  channel.on('data', (chunk: Buffer) => {
    if (broken) return;
    for (const parsed of decoder.push(chunk)) {
      if (parsed.ok) {
        handlers.frame(parsed.frame);
        continue;
      }
      // A server that sends one frame the codec refuses cannot be trusted with the rest.
      broken = true;
      handlers.invalid(new ConnectionError('protocol', `the server sent an invalid frame: ${parsed.message}`));
      channel.close();
      return;
    }
  });
  channel.on('close', () => handlers.closed());
}
