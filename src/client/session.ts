// The client side of keyhole-v1 over an SSH connection: runs (buffered or streamed), list, and the admin requests,
// each matched to its answer by id.
import { PassThrough, type Readable } from 'node:stream';
import {
  PROTOCOL_NAME,
  PROTOCOL_VERSION,
  encodeFrame,
  type ClientFrame,
  type CommandInfo,
  type ServerFrame,
  type SessionInfo,
} from '../protocol/frames.ts';
import { refusal } from '../protocol/refusal.ts';
import { ConnectionError, RemoteError } from './errors.ts';
import { readServerFrames, type FrameSource } from './frame-reader.ts';

type Hello = Extract<ServerFrame, { type: 'hello' }>;
type Exit = Extract<ServerFrame, { type: 'exit' }>;
type Request = Extract<ClientFrame, { type: 'list' | 'sessions' | 'kill' | 'shutdown' | 'elevate' }>;

export interface RunOptions {
  /** Input for a command marked interactive on the server. */
  readonly stdin?: Buffer | string;
  /** A shorter timeout than the server's. */
  readonly timeoutMs?: number;
  /** Environment from the server's allow-list (LANG, LC_*...). */
  readonly env?: Readonly<Record<string, string>>;
  /** Aborting cancels the run on the server (its exit then says canceled). */
  readonly signal?: AbortSignal;
}

export interface RunOutcome {
  readonly code: number;
  readonly signal: string | null;
  readonly durationMs: number;
  readonly truncated: boolean;
  readonly timedOut: boolean;
  readonly canceled: boolean;
  /** The server's one line on why the program did not run (its cwd or program missing, permission denied). */
  readonly message?: string;
}

export interface RunResult extends RunOutcome {
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunStream {
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Resolves with the exit; rejects with RemoteError when refused, ConnectionError when the connection is lost. */
  readonly done: Promise<RunOutcome>;
  cancel(): void;
}

/** What a session needs of its SSH connection: an ssh2 Client (transport.ts makes one; ssh2 stays there) has it. */
export interface SubsystemConnection {
  subsys(name: string, callback: (err: Error | undefined, channel: SubsystemChannel) => void): unknown;
  end(): unknown;
}

interface SubsystemChannel extends FrameSource {
  write(text: string): unknown;
  end(): unknown;
  readonly stderr: { resume(): unknown };
}

interface Pending {
  frame(frame: ServerFrame): void;
  fail(error: Error): void;
}

/** A keyhole-v1 session: create it with `openProtocol`. */
export class ProtocolSession {
  #pending = new Map<string, Pending>();
  #next = 1;
  #closed: Error | null = null;
  #elevated = false;

  private constructor(
    private readonly connection: SubsystemConnection,
    private readonly channel: SubsystemChannel,
    /** What the server said about itself and this login. */
    readonly hello: Hello,
  ) {}

  /** Opens the subsystem and waits for the server's hello. */
  static open(connection: SubsystemConnection, clientName = 'keyhole-client'): Promise<ProtocolSession> {
    return new Promise((resolve, reject) => {
      connection.subsys(PROTOCOL_NAME, (err, channel) => {
        if (err)
          return reject(
            new ConnectionError('protocol', `the server refused the ${PROTOCOL_NAME} subsystem: ${err.message}`),
          );
        let session: ProtocolSession | null = null;
        readServerFrames(channel, {
          frame: (frame) => {
            if (session) session.#dispatch(frame);
            else if (frame.type === 'hello') resolve((session = new ProtocolSession(connection, channel, frame)));
          },
          invalid: (error) => (session ? session.#fail(error) : reject(error)),
          closed: () => {
            if (!session) reject(new ConnectionError('closed', 'the connection closed before the server said hello'));
            if (session) session.#fail(new ConnectionError('closed', 'the connection to the server was closed'));
          },
        });
        channel.stderr.resume();
        channel.write(encodeFrame({ type: 'hello', client: clientName, versions: [PROTOCOL_VERSION] }));
      });
    });
  }

  /** Runs a command and collects its output as text. Refusals reject with RemoteError (exitCode 126 or 127). */
  async run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    const stream = this.stream(argv, opts);
    const [stdout, stderr, outcome] = await Promise.all([text(stream.stdout), text(stream.stderr), stream.done]);
    return { stdout, stderr, ...outcome };
  }

  /** Runs a command with its output as streams, as it arrives. */
  stream(argv: readonly string[], opts: RunOptions = {}): RunStream {
    const id = `r${this.#next++}`;
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const cancel = () => this.#send({ type: 'cancel', id });
    const done = new Promise<RunOutcome>((resolve, reject) => {
      const end = () => (stdout.end(), stderr.end(), opts.signal?.removeEventListener('abort', cancel));
      this.#await(id, {
        frame: (frame) => {
          if (frame.type === 'stdout' || frame.type === 'stderr') {
            (frame.type === 'stdout' ? stdout : stderr).write(Buffer.from(frame.data, 'base64'));
          } else if (frame.type === 'exit') {
            this.#pending.delete(id);
            end();
            resolve(outcome(frame));
          } else if (frame.type === 'error') {
            this.#pending.delete(id);
            end();
            reject(remoteError(frame));
          }
        },
        fail: (error) => (end(), reject(error)),
      });
    });
    opts.signal?.addEventListener('abort', cancel, { once: true });
    const stdin = opts.stdin === undefined ? undefined : Buffer.from(opts.stdin);
    this.#send({ type: 'run', id, argv: [...argv], stdin, timeoutMs: opts.timeoutMs, env: opts.env });
    return { stdout, stderr, done, cancel };
  }

  /** The commands this user may run, with their argument rules. */
  async list(): Promise<CommandInfo[]> {
    const frame = await this.#request({ type: 'list' }, 'list');
    return frame.type === 'list' ? frame.commands : [];
  }

  /** The live sessions (admins only). */
  async sessions(): Promise<SessionInfo[]> {
    const frame = await this.#request({ type: 'sessions' }, 'sessions');
    return frame.type === 'sessions' ? frame.sessions : [];
  }

  /** Ends another session (admins only). */
  async kill(session: string): Promise<void> {
    await this.#request({ type: 'kill', session }, 'ok');
  }

  /** Whether this session has admin rights: from its role (hello.admin), or given by `elevate`. */
  get admin(): boolean {
    return this.hello.admin || this.#elevated;
  }

  /**
   * Asks for admin rights with the admin password, as the shell's `admin` does (`hello.elevate` says whether the
   * server and the role allow it). Rejects with RemoteError: `wrong_password`, or `denied` (not allowed, locked out).
   */
  async elevate(password: string): Promise<void> {
    await this.#request({ type: 'elevate', password }, 'ok');
    this.#elevated = true;
  }

  /** Shuts the server down gracefully (admins only). */
  async shutdown(): Promise<void> {
    await this.#request({ type: 'shutdown' }, 'ok');
  }

  /** Ends the session: in-flight runs finish on the server; then the connection closes. */
  close(): void {
    this.channel.end();
    this.connection.end();
  }

  #request(request: Request, answer: ServerFrame['type']): Promise<ServerFrame> {
    const id = `q${this.#next++}`;
    return new Promise((resolve, reject) => {
      this.#await(id, {
        frame: (frame) => {
          this.#pending.delete(id);
          if (frame.type === answer) resolve(frame);
          else
            reject(
              frame.type === 'error'
                ? remoteError(frame)
                : new ConnectionError('protocol', `unexpected ${frame.type} frame`),
            );
        },
        fail: reject,
      });
      this.#send({ ...request, id });
    });
  }

  // Waits for the frames of `id`; on a session already lost, fails at once rather than wait forever.
  #await(id: string, pending: Pending): void {
    if (this.#closed) return pending.fail(this.#closed);
    this.#pending.set(id, pending);
  }

  #send(frame: ClientFrame): void {
    if (this.#closed) return;
    this.channel.write(encodeFrame(frame));
  }

  #dispatch(frame: ServerFrame): void {
    const id = 'id' in frame ? frame.id : undefined;
    if (id !== undefined) this.#pending.get(id)?.frame(frame);
  }

  #fail(error: Error): void {
    if (this.#closed) return; // the first failure (an invalid frame, say) is the one to report
    this.#closed = error;
    for (const pending of this.#pending.values()) pending.fail(error);
    this.#pending.clear();
  }
}

function outcome(frame: Exit): RunOutcome {
  const { code, signal, durationMs, truncated, timedOut, canceled, message } = frame;
  return { code, signal, durationMs, truncated, timedOut, canceled, ...(message === undefined ? {} : { message }) };
}

function remoteError(frame: Extract<ServerFrame, { type: 'error' }>): RemoteError {
  return new RemoteError(refusal(frame.code, frame.message));
}

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
