// One `run` frame: the protocol's own checks, then the shell's execute() (policy, audit, limits), answered with
// `started`, output frames and one `exit`, or with one `error` when the run is refused.
import { Readable } from 'node:stream';
import { RESERVED_NAMES } from '../shell/builtins.ts';
import { envAccepted } from '../shell/env.ts';
import { execute, refuse, type AuditLabels } from '../shell/execute.ts';
import type { ShellContext } from '../shell/context.ts';
import { flushed } from '../shell/tty-output.ts';
import { frameWriter, type FrameSink } from './frame-writer.ts';
import type { ClientFrame, ErrorCode } from './frames.ts';

export type RunFrame = Extract<ClientFrame, { type: 'run' }>;
type Refusal = { code: ErrorCode; exitCode: number; message: string };

// What to use instead of each shell builtin, which only the shell understands.
const INSTEAD: Readonly<Record<string, string>> = {
  help: 'send a list frame',
  exit: 'end your input (EOF) to end the session',
  logout: 'end your input (EOF) to end the session',
  admin: 'admin rights come from the role only; log in as an admin user',
  sessions: 'send a sessions frame',
  show_clients: 'send a sessions frame',
  kill: 'send a kill frame',
  shutdown: 'send a shutdown frame',
  shutdown_server: 'send a shutdown frame',
};

/** Runs one run frame to its end and sends its frames; resolves once its `exit` or `error` was sent. */
export async function runFrame(
  session: ShellContext,
  frame: RunFrame,
  sink: FrameSink,
  interrupt: AbortSignal,
  runId: () => string,
  client?: string,
): Promise<void> {
  const { id } = frame;
  // Every run frame that gets this far is named, refused or not, so that its audit records can be found by it.
  const labels = { id, run: runId(), ...(client === undefined ? {} : { client }) };
  const refused = await precheck(session, frame, labels);
  if (refused) return void sink.send({ type: 'error', id, code: refused.code, message: refused.message });
  const stdout = frameWriter(sink, id, 'stdout');
  const stderr = frameWriter(sink, id, 'stderr');
  const stdin = frame.stdin ? Readable.from([frame.stdin]) : null;
  const execution = await execute(
    session,
    frame.argv,
    { stdout, stderr },
    {
      interrupt,
      timeoutMs: frame.timeoutMs,
      env: { ...session.clientEnv, ...frame.env },
      stdin: () => stdin,
      requiresStdin: stdin !== null,
      onStart: () => sink.send({ type: 'started', id, run: labels.run }),
      labels,
    },
  );
  if (!execution.ran) {
    const why = execution.why;
    const code = why === 'unknown' ? 'unknown_command' : why === 'audit' ? 'audit_unavailable' : 'denied';
    return void sink.send({ type: 'error', id, code, message: execution.reason });
  }
  await Promise.all([flushed(stdout), flushed(stderr)]);
  const { signal, durationMs, truncated, timedOut, canceled, error } = execution.result;
  const message = error === undefined ? {} : { message: `${frame.argv[0]}: ${error}` };
  sink.send({ type: 'exit', id, code: execution.code, signal, durationMs, truncated, timedOut, canceled, ...message });
}

// The checks the shell makes before its policy (builtins, env, the line limit), for a run that has no line; audited
// like the shell's refusals, so every refused run leaves a record.
async function precheck(session: ShellContext, frame: RunFrame, labels: AuditLabels): Promise<Refusal | null> {
  const refusal = checkRun(session, frame);
  if (refusal !== null) await refuse(session, frame.argv, refusal.exitCode, refusal.message, { labels });
  return refusal;
}

function checkRun(session: ShellContext, frame: RunFrame): Refusal | null {
  const name = frame.argv[0]!;
  if (RESERVED_NAMES.includes(name)) {
    const message = `'${name}' is a shell builtin, not a command: ${INSTEAD[name] ?? 'see docs/PROTOCOL.md'}`;
    return { code: 'unknown_command', exitCode: 127, message };
  }
  const { acceptEnv, limits } = session.config();
  const refusedEnv = Object.entries(frame.env ?? {}).find(([k, v]) => !envAccepted(acceptEnv, k, v))?.[0];
  if (refusedEnv !== undefined) {
    const message = `env '${refusedEnv}' is not accepted by this server (acceptEnv: ${acceptEnv.join(', ') || 'none'})`;
    return { code: 'denied', exitCode: 126, message };
  }
  const bytes = frame.argv.reduce((n, arg) => n + Buffer.byteLength(arg) + 1, -1);
  if (bytes > limits.maxLineBytes) {
    const message = `the command is ${bytes} bytes, more than the limit of ${limits.maxLineBytes}: shorten it`;
    return { code: 'too_large', exitCode: 126, message };
  }
  return null;
}
