// The shell's pipeline for one line: tokenize -> builtin | execute (policy -> audit -> run -> audit), and a one-line
// explanation on stderr whenever a command is refused or stopped early. Every shell door (pty, plain, exec) comes here.
import { formatDuration } from '../config/units.ts';
import { findBuiltin } from './builtins.ts';
import { execute, recordRefusal, type Execution } from './execute.ts';
import type { LineResult, ShellIO, ShellContext } from './context.ts';
import { tokenize } from '../line/tokenize.ts';
import { drained } from './write.ts';

/**
 * Runs one line for a session; `interrupt` (Ctrl-C) stops just this command, the session's signal stops everything.
 * Resolves once the line's output has been handed to the channel and the channel's buffers are below their mark
 * again (backpressure: a client that does not read holds up its next line, not the server's memory), so the caller
 * may send the exit status or read the next line.
 */
export async function evaluate(
  line: string,
  session: ShellContext,
  io: ShellIO,
  interrupt?: AbortSignal,
): Promise<LineResult> {
  // Builtins count as running too, so a shutdown waits for the `shutdown` line itself to answer its client.
  session.setCommand(line);
  try {
    const result = await evaluateLine(line, session, io, interrupt);
    await io.flush?.();
    await Promise.all([drained(io.stdout, session.signal), drained(io.stderr, session.signal)]);
    return result;
  } finally {
    session.setCommand(null);
  }
}

async function evaluateLine(
  line: string,
  session: ShellContext,
  io: ShellIO,
  interrupt?: AbortSignal,
): Promise<LineResult> {
  const tokens = tokenize(line, { maxLineBytes: session.config().limits.maxLineBytes });
  if (!tokens.ok) return report(io, await recordRefusal(session, line, tokens.reason, 126));
  const argv = tokens.argv;
  if (argv.length === 0) return { code: 0 };
  const builtin = findBuiltin(argv[0]!);
  if (builtin) return builtin(argv.slice(1), session, io);
  const execution = await execute(session, argv, io, { interrupt, env: session.clientEnv, stdin: () => io.stdin });
  return report(io, execution, argv[0]!, session.config().limits.maxOutputBytes);
}

// Tells the user in one line why a command was refused or ended early, so a 126 or a 124 is never a mystery.
function report(io: ShellIO, e: Execution, name = '', cap = 0): LineResult {
  if (!e.ran) io.stderr.write(`keyhole: ${e.reason}\n`);
  else if (e.result.error) io.stderr.write(`keyhole: ${name}: ${e.result.error}\n`);
  else if (e.result.timedOut)
    io.stderr.write(`keyhole: '${name}' timed out after ${formatDuration(e.timeoutMs)} and was stopped\n`);
  else if (e.result.truncated)
    io.stderr.write(`keyhole: '${name}' was stopped: its output passed the limit of ${cap} bytes\n`);
  return { code: e.code };
}
