// One `run` frame: the protocol's own checks, then the shell's execute() (policy, audit, limits), answered with
// `started`, output frames and one `exit`, or with one `error` when the run is refused.
import { Readable } from 'node:stream';
import { builtinWord } from '../line/builtins.ts';
import type { ShellContext } from '../shell/context.ts';
import { envAccepted } from '../shell/env.ts';
import { execute, refuse, type AuditLabels } from '../shell/execute.ts';
import { flushed } from '../shell/tty-output.ts';
import { frameWriter, type FrameSink } from './frame-writer.ts';
import type { ClientFrame } from './frames.ts';
import { refusal, type Refusal } from './refusal.ts';

export type RunFrame = Extract<ClientFrame, { type: 'run' }>;

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
  if (refused) return void sink.send({ type: 'error', id, code: refused.code, message: refused.reason });
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
    const { code, reason } = execution.refusal;
    return void sink.send({ type: 'error', id, code, message: reason });
  }
  await Promise.all([flushed(stdout), flushed(stderr)]);
  const { signal, durationMs, truncated, timedOut, canceled, error } = execution.result;
  const message = error === undefined ? {} : { message: `${frame.argv[0]}: ${error}` };
  sink.send({ type: 'exit', id, code: execution.code, signal, durationMs, truncated, timedOut, canceled, ...message });
}

// The checks the shell makes before its policy (builtins, env, the line limit), for a run that has no line; audited
// like the shell's refusals, so every refused run leaves a record.
async function precheck(session: ShellContext, frame: RunFrame, labels: AuditLabels): Promise<Refusal | null> {
  const refused = checkRun(session, frame);
  if (refused !== null) await refuse(session, frame.argv, refused, { labels });
  return refused;
}

function checkRun(session: ShellContext, frame: RunFrame): Refusal | null {
  const name = frame.argv[0]!;
  const builtin = builtinWord(name);
  if (builtin !== undefined) {
    return refusal('unknown_command', `'${name}' is a shell builtin, not a command: ${builtin.instead}`);
  }
  const { acceptEnv, limits } = session.config();
  const refusedEnv = Object.entries(frame.env ?? {}).find(([k, v]) => !envAccepted(acceptEnv, k, v))?.[0];
  if (refusedEnv !== undefined) {
    const accepted = acceptEnv.join(', ') || 'none';
    return refusal('denied', `env '${refusedEnv}' is not accepted by this server (acceptEnv: ${accepted})`);
  }
  const bytes = frame.argv.reduce((n, arg) => n + Buffer.byteLength(arg) + 1, -1);
  if (bytes > limits.maxLineBytes) {
    const reason = `the command is ${bytes} bytes, more than the limit of ${limits.maxLineBytes}: shorten it`;
    return refusal('too_large', reason);
  }
  return null;
}
