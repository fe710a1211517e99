// The one place the pipeline is assembled: tokenize -> builtin | policy -> audit -> run -> audit.
// Every door (pty shell, plain shell, exec) comes through here, so every line meets the same checks.
import { exitCodeOf, runCommand, type RunResult } from '../exec/run.ts';
import { formatDuration } from '../config/units.ts';
import { findBuiltin } from './builtins.ts';
import { decide } from './policy.ts';
import { currentRole, type LineResult, type ShellIO, type ShellSession } from './session.ts';
import { tokenize } from './tokenize.ts';

/**
 * Runs one line for a session; `interrupt` (Ctrl-C) stops just this command, the session's signal stops everything.
 * Resolves once the line's output has been handed to the channel, so the caller may send the exit status.
 */
export async function evaluate(
  line: string,
  session: ShellSession,
  io: ShellIO,
  interrupt?: AbortSignal,
): Promise<LineResult> {
  // Builtins count as running too, so a shutdown waits for the `shutdown` line itself to answer its client.
  session.setCommand(line);
  try {
    const result = await evaluateLine(line, session, io, interrupt);
    await io.flush?.();
    return result;
  } finally {
    session.setCommand(null);
  }
}

async function evaluateLine(
  line: string,
  session: ShellSession,
  io: ShellIO,
  interrupt?: AbortSignal,
): Promise<LineResult> {
  const config = session.config();
  const tokens = tokenize(line, { maxLineBytes: config.limits.maxLineBytes });
  if (!tokens.ok) return deny(session, io, [], tokens.reason, 126, line);
  const argv = tokens.argv;
  if (argv.length === 0) return { code: 0 };
  const builtin = findBuiltin(argv[0]!, session);
  if (builtin) return builtin(argv.slice(1), session, io);
  const principal = { user: session.user.name, role: currentRole(session) };
  const decision = decide(principal, argv, config.commands, session.resolver, config.cwd);
  if (!decision.allow) return deny(session, io, argv, decision.reason, decision.code);
  const base = { session: session.id, user: session.user.name, argv, via: session.via } as const;
  try {
    await session.audit.record({ event: 'command', ...base, allowed: true });
  } catch {
    return refuse(io, 'the audit log cannot be written, so no command may run: tell the administrator', 1);
  }
  const timeoutMs = decision.command.timeoutMs ?? config.limits.commandTimeoutMs;
  const signal = interrupt ? AbortSignal.any([session.signal, interrupt]) : session.signal;
  const result = await runCommand({
    program: decision.program,
    args: decision.argv,
    env: { ...config.env, ...session.clientEnv, KEYHOLE_USER: session.user.name, KEYHOLE_SESSION: session.id },
    cwd: config.cwd,
    timeoutMs,
    maxOutputBytes: config.limits.maxOutputBytes,
    stdin: decision.command.interactive ? io.stdin : null,
    stdout: io.stdout,
    stderr: io.stderr,
    signal,
  });
  const code = interrupt?.aborted && result.canceled ? 130 : exitCodeOf(result);
  await recordExit(session, argv, result, code);
  explain(io, argv[0]!, result, timeoutMs, config.limits.maxOutputBytes);
  return { code };
}

async function deny(session: ShellSession, io: ShellIO, argv: string[], reason: string, code: number, line?: string) {
  const event = {
    event: 'command',
    session: session.id,
    user: session.user.name,
    argv,
    allowed: false,
    reason,
    code,
    via: session.via,
  } as const;
  await session.audit.record(line === undefined ? event : { ...event, line }).catch(() => undefined);
  return refuse(io, reason, code);
}

function refuse(io: ShellIO, reason: string, code: number): LineResult {
  io.stderr.write(`keyhole: ${reason}\n`);
  return { code };
}

async function recordExit(session: ShellSession, argv: string[], r: RunResult, code: number): Promise<void> {
  const { signal, durationMs, stdoutBytes, stderrBytes, timedOut, truncated, canceled } = r;
  await session.audit
    .record({
      event: 'exit',
      session: session.id,
      user: session.user.name,
      argv,
      code,
      signal,
      durationMs,
      stdoutBytes,
      stderrBytes,
      timedOut,
      truncated,
      canceled,
    })
    .catch(() => undefined); // the failure is visible in audit.failure; the next command is refused
}

// Tells the user in one line why a command ended early, so a 124 or a cut output is never a mystery.
function explain(io: ShellIO, name: string, r: RunResult, timeoutMs: number, cap: number): void {
  if (r.error) io.stderr.write(`keyhole: ${name}: ${r.error}\n`);
  else if (r.timedOut)
    io.stderr.write(`keyhole: '${name}' timed out after ${formatDuration(timeoutMs)} and was stopped\n`);
  else if (r.truncated)
    io.stderr.write(`keyhole: '${name}' was stopped: its output passed the limit of ${cap} bytes\n`);
}
