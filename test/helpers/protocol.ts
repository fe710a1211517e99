// A bare keyhole-v1 client for tests: opens the subsystem on an ssh2 connection, sends frames (or raw bytes) and
// waits for the server's frames by content, never by time. Deliberately not src/client: the tests check the wire.
// (ssh2's client method is `subsys`, not `subsystem`.)
import type ssh2 from 'ssh2';
import type { ClientChannel } from 'ssh2';
import { LineSplitter } from '../../src/protocol/lines.ts';
import { connectSsh2 } from './clients.ts';
import type { TestServer } from './server.ts';

/** A server frame as it arrived (the tests check its fields, so it is left loosely typed). */
export type Frame = { type: string; id?: string; [field: string]: unknown };

export interface ProtocolChannel {
  readonly channel: ClientChannel;
  /** Every frame received so far, in arrival order. */
  readonly frames: Frame[];
  /** Sends an object as one frame line, or a string (or bytes) exactly as given. */
  send(frame: object | string | Buffer): void;
  /** The first frame at index `from` or later that matches, waiting for it if need be. */
  next(match: (frame: Frame) => boolean, from?: number): Promise<Frame>;
  /** The frame that ends run `id`: its `exit` or its `error`. */
  end(id: string): Promise<Frame>;
  /** The frames of run or request `id`, in arrival order. */
  of(id: string): Frame[];
  /** The bytes of a run's stdout or stderr frames, joined. */
  output(id: string, stream?: 'stdout' | 'stderr'): Buffer;
  /** Resolves once the channel closed, with the exit status the server sent (null when it sent none). */
  readonly closed: Promise<number | null>;
}

const MAX_SERVER_LINE = 4 * 1024 * 1024;

/** Opens the keyhole-v1 subsystem; resolves once the channel is open (the server's hello may still be on its way). */
export function openProtocol(client: ssh2.Client): Promise<ProtocolChannel> {
  return new Promise((resolve, reject) => {
    client.subsys('keyhole-v1', (err, channel) => (err ? reject(err) : resolve(wrap(channel))));
  });
}

function wrap(channel: ClientChannel): ProtocolChannel {
  const frames: Frame[] = [];
  const waiters = new Set<() => void>();
  const splitter = new LineSplitter(MAX_SERVER_LINE);
  let status: number | null = null;
  channel.on('data', (chunk: Buffer) => {
    for (const event of splitter.push(chunk)) {
      if (event.type === 'too-large') throw new Error(`the server sent a line of more than ${MAX_SERVER_LINE} bytes`);
      frames.push(JSON.parse(event.line) as Frame);
    }
    for (const wake of [...waiters]) wake();
  });
  channel.stderr.resume();
  channel.on('exit', (code: number | null) => (status = code));
  const closed = new Promise<number | null>((resolve) => channel.on('close', () => resolve(status)));
  let isClosed = false;
  void closed.then(() => {
    isClosed = true;
    for (const wake of [...waiters]) wake();
  });

  const next = (match: (frame: Frame) => boolean, from = 0): Promise<Frame> =>
    new Promise((resolve, reject) => {
      const look = () => {
        const found = frames.slice(from).find(match);
        if (found === undefined && !isClosed) return;
        waiters.delete(look);
        if (found) resolve(found);
        else reject(new Error(`the channel closed; frames: ${describe(frames)}`));
      };
      waiters.add(look);
      look();
    });
  const of = (id: string) => frames.filter((f) => f.id === id);
  return {
    channel,
    frames,
    send: (frame) => void channel.write(typeof frame === 'object' && !Buffer.isBuffer(frame) ? line(frame) : frame),
    next,
    end: (id) => next((f) => f.id === id && (f.type === 'exit' || f.type === 'error')),
    of,
    output: (id, stream = 'stdout') =>
      Buffer.concat(of(id).flatMap((f) => (f.type === stream ? [Buffer.from(String(f.data), 'base64')] : []))),
    closed,
  };
}

/** Logs in to a test server with a user's key, opens keyhole-v1 and waits for the server's hello. */
export async function loginProtocol(
  s: TestServer,
  user: 'deploy' | 'boss',
): Promise<{ client: ssh2.Client; p: ProtocolChannel; hello: Frame }> {
  const client = await connectSsh2(s.port, user, { privateKey: s.keys[user] });
  client.on('error', () => undefined);
  const p = await openProtocol(client);
  return { client, p, hello: await p.next((f) => f.type === 'hello') };
}

/** As loginProtocol, for one test: the connection ends with it; the channel carries the hello. */
export async function openFor(
  t: { teardown(fn: () => void): void },
  s: TestServer,
  user: 'deploy' | 'boss',
): Promise<ProtocolChannel & { hello: Frame }> {
  const { client, p, hello } = await loginProtocol(s, user);
  t.teardown(() => client.end());
  return Object.assign(p, { hello });
}

/** Sends a request frame and resolves with the frame that answers it. */
export function ask(p: ProtocolChannel, frame: { type: string; id: string; [field: string]: unknown }): Promise<Frame> {
  p.send(frame);
  return p.next((f) => f.id === frame.id);
}

/** Sends a run and resolves with the frame that ends it (its exit or its error). */
export function runTo(p: ProtocolChannel, id: string, argv: string[], fields: object = {}): Promise<Frame> {
  p.send({ type: 'run', id, argv, ...fields });
  return p.end(id);
}

/** One frame as the line a client sends. */
export function line(frame: object): string {
  return `${JSON.stringify(frame)}\n`;
}

/** Parses the frame lines a client received (OpenSSH's stdout, for example). */
export function parseFrames(text: string): Frame[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Frame);
}

function describe(frames: readonly Frame[]): string {
  return frames.map((f) => `${f.type}${f.id === undefined ? '' : `(${f.id})`}`).join(' ');
}
