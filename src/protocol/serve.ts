// One keyhole-v1 session on a channel: frames in, frames out, several runs in flight, each through the same
// execute() as the shell (policy, audit, limits). Bad frames get error frames; nothing a client sends ends the session.
import { currentRole, type ShellContext } from '../shell/context.ts';
import { printable } from '../line/printable.ts';
import { adminFrame, mayElevate } from './admin.ts';
import { parseClientFrame } from './client-frames.ts';
import { FrameDecoder } from './decoder.ts';
import { channelSink, type FrameSink } from './frame-writer.ts';
import { MAX_FRAME_BYTES, PROTOCOL_VERSION, type ClientFrame, type ErrorCode, type ServerFrame } from './frames.ts';
import { listFrame } from './list.ts';
import { runFrame, type RunFrame } from './run.ts';
import { refuse } from '../shell/execute.ts';

export interface ProtocolOptions {
  readonly serverVersion: string;
  readonly maxRuns: number;
}

type Channel = NodeJS.ReadWriteStream & { writable?: boolean };

/** Serves frames until the client ends its input and every run has finished; resolves with the exit status (0). */
export function serveProtocol(session: ShellContext, channel: Channel, opts: ProtocolOptions): Promise<number> {
  const sink = channelSink(channel);
  const send = (frame: ServerFrame) => void sink.send(frame);
  const error = (code: ErrorCode, message: string, id?: string) => send({ type: 'error', id, code, message });
  const runs = new Map<string, AbortController>();
  let nextRun = 1;
  let clientName: string | undefined; // from hello: recorded with each run's audit records
  let inputEnded = false;
  let finish!: (code: number) => void;
  const done = new Promise<number>((resolve) => (finish = resolve));
  const busy = inFlight(session, () => inputEnded && busy.size === 0 && finish(0));

  const start = (frame: RunFrame) => {
    if (runs.has(frame.id)) return error('duplicate_id', `a run with id '${frame.id}' is still in flight`, frame.id);
    if (runs.size >= opts.maxRuns) {
      return error('too_many_runs', `at most ${opts.maxRuns} runs may be in flight; wait for an exit`, frame.id);
    }
    const slot = session.limits.run(); // limits.maxRunsPerConnection, across the connection's channels
    if (!slot.ok) {
      return busy.track('refused', refuseRun(session, frame, slot.reason, `r${nextRun++}`, clientName).then(send));
    }
    const interrupt = new AbortController();
    runs.set(frame.id, interrupt);
    const running = runFrame(session, frame, sink, interrupt.signal, () => `r${nextRun++}`, clientName)
      .catch((err: Error) => error('internal_error', `the run failed inside the server: ${err.message}`, frame.id))
      .finally(() => {
        runs.delete(frame.id);
        slot.release();
      });
    busy.track(frame.argv.join(' '), running);
  };

  const handle = (frame: ClientFrame) => {
    switch (frame.type) {
      case 'hello':
        clientName = frame.client === undefined ? undefined : printable(frame.client);
        if (!frame.versions.includes(PROTOCOL_VERSION)) {
          error('unsupported_version', `this server speaks protocol version ${PROTOCOL_VERSION} only`);
        }
        return;
      case 'run':
        return start(frame);
      case 'cancel': {
        const run = runs.get(frame.id);
        return run ? run.abort() : error('no_such_run', `no run '${frame.id}' is in flight`, frame.id);
      }
      case 'list':
        return send(listFrame(session, frame.id));
      default:
        // Tracked like a run, so the session does not end (EOF) or shut down before the answer is sent.
        return busy.track(
          frame.type,
          adminFrame(session, frame).then(send, (err: Error) =>
            error('internal_error', `the server failed to answer: ${err.message}`, frame.id),
          ),
        );
    }
  };

  const decoder = new FrameDecoder(parseClientFrame, MAX_FRAME_BYTES);
  channel.on('data', (chunk: Buffer | string) => {
    for (const parsed of decoder.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk))) {
      if (parsed.ok) handle(parsed.frame);
      else error(parsed.code, parsed.message, parsed.id);
    }
    pauseWhileFull(channel, sink);
  });
  const ended = () => {
    inputEnded = true;
    busy.check();
  };
  channel.on('end', ended);
  channel.on('close', ended); // a client that vanishes never sends EOF; its runs are killed by the session's signal
  send(helloFrame(session, opts));
  return done;
}

// A run refused by a limit that spans channels: audited like any refused command, answered with `too_many_runs`.
async function refuseRun(
  session: ShellContext,
  frame: RunFrame,
  reason: string,
  run: string,
  client: string | undefined,
): Promise<ServerFrame> {
  const labels = { id: frame.id, run, ...(client === undefined ? {} : { client }) };
  await refuse(session, frame.argv, { code: 'too_many_runs', exitCode: 126, reason }, { labels });
  return { type: 'error', id: frame.id, code: 'too_many_runs', message: reason };
}

// A client that sends frames faster than it reads the answers is not read from until it catches up, so its answers
// cannot pile up in the server's memory: the SSH window carries the backpressure back to it.
function pauseWhileFull(channel: Channel, sink: FrameSink): void {
  if (!sink.full() || channel.isPaused()) return;
  channel.pause();
  void sink.drained().then(() => channel.resume());
}

interface InFlight {
  readonly size: number;
  /** Counts `work` (which must not reject) as in flight until it settles; its label shows in `sessions` meanwhile. */
  track(label: string, work: Promise<void>): void;
  /** Calls the idle check (after the input ended, for example). */
  check(): void;
}

// Runs and admin requests not answered yet. The session's `command` (what `sessions` shows, and what a shutdown
// waits for) names the oldest of them; `idle` is called whenever one settles.
function inFlight(session: ShellContext, idle: () => void): InFlight {
  const labels = new Set<{ label: string }>();
  const show = () => {
    const [first] = labels;
    session.setCommand(first === undefined ? null : `${first.label}${labels.size > 1 ? ` (+${labels.size - 1})` : ''}`);
  };
  return {
    get size() {
      return labels.size;
    },
    track(label, work) {
      const entry = { label };
      labels.add(entry);
      show();
      void work.finally(() => {
        labels.delete(entry);
        show();
        idle();
      });
    },
    check: idle,
  };
}

function helloFrame(session: ShellContext, opts: ProtocolOptions): ServerFrame {
  const role = currentRole(session);
  const { limits } = session.config();
  return {
    type: 'hello',
    server: opts.serverVersion,
    protocol: PROTOCOL_VERSION,
    versions: [PROTOCOL_VERSION],
    user: session.user.name,
    role: role.name,
    admin: role.admin,
    elevate: mayElevate(session),
    session: session.id,
    limits: {
      maxFrameBytes: MAX_FRAME_BYTES,
      maxRuns: opts.maxRuns,
      commandTimeoutMs: limits.commandTimeoutMs,
      maxOutputBytes: limits.maxOutputBytes,
      maxLineBytes: limits.maxLineBytes,
      idleTimeoutMs: limits.idleTimeoutMs,
    },
  };
}
