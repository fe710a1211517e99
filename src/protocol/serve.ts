// One keyhole-v1 session on a channel: frames in, frames out, several runs in flight, each through the same
// execute() as the shell (policy, audit, limits). Bad frames get error frames; nothing a client sends ends the session.
import { Readable } from 'node:stream';
import { flushed } from '../shell/tty-output.ts';
import { execute } from '../shell/execute.ts';
import { currentRole, type ShellSession } from '../shell/session.ts';
import { RESERVED_NAMES } from '../shell/builtins.ts';
import { envAccepted } from '../shell/env.ts';
import { adminFrame } from './admin.ts';
import { channelSink, frameWriter } from './frame-writer.ts';
import {
  MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  parseFrame,
  type ClientFrame,
  type ErrorCode,
  type ServerFrame,
} from './frames.ts';
import { LineSplitter } from './lines.ts';
import { listFrame } from './list.ts';

export interface ProtocolOptions {
  readonly serverVersion: string;
  readonly maxRuns: number;
}

type Channel = NodeJS.ReadWriteStream & { writable?: boolean };

/** Serves frames until the client ends its input and every run has finished; resolves with the exit status (0). */
export function serveProtocol(session: ShellSession, channel: Channel, opts: ProtocolOptions): Promise<number> {
  const sink = channelSink(channel);
  const send = (frame: ServerFrame) => void sink.send(frame);
  const error = (code: ErrorCode, message: string, id?: string) => send({ type: 'error', id, code, message });
  const runs = new Map<string, AbortController>();
  let nextRun = 1;
  let inputEnded = false;
  let finish!: (code: number) => void;
  const done = new Promise<number>((resolve) => (finish = resolve));
  const maybeFinish = () => inputEnded && runs.size === 0 && finish(0);

  const start = (frame: Extract<ClientFrame, { type: 'run' }>) => {
    if (runs.has(frame.id)) return error('duplicate_id', `a run with id '${frame.id}' is still in flight`, frame.id);
    if (runs.size >= opts.maxRuns) {
      return error('too_many_runs', `at most ${opts.maxRuns} runs may be in flight; wait for an exit`, frame.id);
    }
    if (RESERVED_NAMES.includes(frame.argv[0]!)) {
      const message = `'${frame.argv[0]}' is a shell builtin: use the ${frame.argv[0]} frame (see docs/PROTOCOL.md)`;
      return error('unknown_command', message, frame.id);
    }
    const acceptEnv = session.config().acceptEnv;
    const refusedEnv = Object.entries(frame.env ?? {}).find(([k, v]) => !envAccepted(acceptEnv, k, v))?.[0];
    if (refusedEnv) return error('denied', `env '${refusedEnv}' is not accepted by this server`, frame.id);
    const interrupt = new AbortController();
    runs.set(frame.id, interrupt);
    session.setCommand(frame.argv.join(' '));
    void run(frame, interrupt).finally(() => {
      runs.delete(frame.id);
      if (runs.size === 0) session.setCommand(null);
      maybeFinish();
    });
  };

  const run = async (frame: Extract<ClientFrame, { type: 'run' }>, interrupt: AbortController) => {
    const stdout = frameWriter(sink, frame.id, 'stdout');
    const stderr = frameWriter(sink, frame.id, 'stderr');
    const stdin = frame.stdin ? Readable.from([frame.stdin]) : null;
    const execution = await execute(
      session,
      frame.argv,
      { stdout, stderr },
      {
        interrupt: interrupt.signal,
        timeoutMs: frame.timeoutMs,
        env: { ...session.clientEnv, ...frame.env },
        stdin,
        requiresStdin: stdin !== null,
        onStart: () => send({ type: 'started', id: frame.id, run: `r${nextRun++}` }),
      },
    );
    if (!execution.ran) {
      const code =
        execution.why === 'unknown' ? 'unknown_command' : execution.why === 'audit' ? 'audit_unavailable' : 'denied';
      return error(code, execution.reason, frame.id);
    }
    await Promise.all([flushed(stdout), flushed(stderr)]);
    const { signal, durationMs, truncated, timedOut, canceled } = execution.result;
    send({ type: 'exit', id: frame.id, code: execution.code, signal, durationMs, truncated, timedOut, canceled });
  };

  const handle = async (frame: ClientFrame) => {
    switch (frame.type) {
      case 'hello':
        if (!frame.versions.includes(PROTOCOL_VERSION)) {
          error('unsupported_version', `this server speaks protocol version ${PROTOCOL_VERSION} only`);
        }
        return;
      case 'run':
        return start(frame);
      case 'cancel':
        if (runs.has(frame.id)) return runs.get(frame.id)!.abort();
        return error('no_such_run', `no run '${frame.id}' is in flight`, frame.id);
      case 'list':
        return send(listFrame(session, frame.id));
      default:
        return send(await adminFrame(session, frame));
    }
  };

  const splitter = new LineSplitter(MAX_FRAME_BYTES);
  channel.on('data', (chunk: Buffer) => {
    for (const event of splitter.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk))) {
      if (event.type === 'too-large') {
        error('too_large', `a frame may be at most ${MAX_FRAME_BYTES} bytes; this one was skipped`);
        continue;
      }
      if (event.line.trim() === '') continue;
      const parsed = parseFrame(event.line);
      if (parsed.ok) void handle(parsed.frame);
      else error(parsed.code, parsed.message, parsed.id);
    }
  });
  channel.on('end', () => {
    inputEnded = true;
    maybeFinish();
  });
  send(helloFrame(session, opts));
  return done;
}

function helloFrame(session: ShellSession, opts: ProtocolOptions): ServerFrame {
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
    session: session.id,
    limits: {
      maxFrameBytes: MAX_FRAME_BYTES,
      maxRuns: opts.maxRuns,
      commandTimeoutMs: limits.commandTimeoutMs,
      maxOutputBytes: limits.maxOutputBytes,
    },
  };
}
