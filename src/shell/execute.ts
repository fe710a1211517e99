// Policy -> audit -> run -> audit for one argv: the part of the pipeline that every door shares (the shell, exec and
// the automation protocol). What to tell the user about the outcome is the caller's business.
import { runProcess } from '../exec/run.ts';
import { confinePlanOf } from '../config/confinement.ts';
import { exitCodeOf, type ProcessResult } from '../exec/result.ts';
import { refusal, refusalOfStatus, type Refusal } from '../protocol/refusal.ts';
import { decide } from './policy.ts';
import { currentRole, type ShellContext } from './context.ts';

export interface ExecuteOptions {
  /** Stops just this command (Ctrl-C, a protocol `cancel`); the session's signal stops everything. */
  readonly interrupt?: AbortSignal;
  /** A shorter timeout than the configured one (the protocol's timeoutMs); never a longer one. */
  readonly timeoutMs?: number;
  /** Extra environment from allowed client env requests, added to the config's. */
  readonly env?: Readonly<Record<string, string>>;
  /** Input for the command, asked for only when the command is marked interactive (the pty shell then routes keys to it). */
  readonly stdin?: () => NodeJS.ReadableStream | null;
  /** The caller insists on giving input: a command not marked interactive is then refused instead of run. */
  readonly requiresStdin?: boolean;
  /** The raw line, recorded with a denial when there is no argv to record. */
  readonly line?: string;
  /** Called once the command is allowed and audited, just before it starts. */
  readonly onStart?: () => void;
  /** Recorded with the command's audit records, to tie them to the protocol frames. */
  readonly labels?: AuditLabels;
}

/** The protocol's request id and run name (and the client's name from hello), recorded with a run's records. */
export interface AuditLabels {
  readonly id: string;
  readonly run: string;
  readonly client?: string;
}

export type Execution =
  | {
      readonly ran: false;
      readonly code: number;
      readonly reason: string;
      /** The refusal as the protocol reports it: its code (denied, unknown_command, ...), `code` and `reason`. */
      readonly refusal: Refusal;
    }
  | { readonly ran: true; readonly code: number; readonly result: ProcessResult; readonly timeoutMs: number };

export interface Output {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/** Decides, audits and runs one argv for a session. Never rejects. */
export async function execute(
  session: ShellContext,
  argv: readonly string[],
  out: Output,
  opts: ExecuteOptions = {},
): Promise<Execution> {
  const config = session.config();
  const principal = { user: session.user.name, role: currentRole(session) };
  const decision = decide(principal, argv, config.commands, session.resolver, config.cwd);
  const labels = opts.labels;
  if (!decision.allow) {
    return refuse(session, argv, refusalOfStatus(decision.code, decision.reason), { line: opts.line, labels });
  }
  if (opts.requiresStdin && !decision.command.interactive) {
    const reason = `'${argv[0]}' does not read input (it is not marked interactive)`;
    return refuse(session, argv, refusal('denied', reason), { labels });
  }
  const slot = session.limits.command(); // limits.maxCommandsPerUser, across all the user's sessions
  if (!slot.ok) return refuse(session, argv, { code: 'too_many_runs', exitCode: 126, reason: slot.reason }, { labels });
  const base = {
    session: session.id,
    user: session.user.name,
    addr: session.address,
    argv,
    via: session.via,
    ...labels,
  } as const;
  try {
    await session.audit.record({ event: 'command', ...base, allowed: true });
  } catch {
    slot.release();
    const reason = 'the audit log cannot be written, so no command may run: tell the administrator';
    return notRun(refusal('audit_unavailable', reason));
  }
  const configured = decision.command.timeoutMs ?? config.limits.commandTimeoutMs;
  const timeoutMs =
    opts.timeoutMs && opts.timeoutMs > 0 ? Math.min(opts.timeoutMs, configured || Infinity) : configured;
  const signal = opts.interrupt ? AbortSignal.any([session.signal, opts.interrupt]) : session.signal;
  opts.onStart?.();
  const result = await runProcess({
    program: decision.program,
    args: decision.argv,
    env: { ...config.env, ...opts.env, KEYHOLE_USER: session.user.name, KEYHOLE_SESSION: session.id },
    cwd: config.cwd,
    timeoutMs,
    maxOutputBytes: config.limits.maxOutputBytes,
    stdin: decision.command.interactive ? (opts.stdin?.() ?? null) : null,
    stdout: out.stdout,
    stderr: out.stderr,
    signal,
    uid: config.runAs?.uid,
    gid: config.runAs?.gid,
    readSearchVia: config.runAs?.readSearchVia,
    confine: confinePlanOf(config.confinement, decision.command, configured),
  });
  slot.release();
  const code = opts.interrupt?.aborted && result.canceled ? 130 : exitCodeOf(result);
  await recordExit(session, argv, result, code, labels);
  return { ran: true, code, result, timeoutMs };
}

/**
 * Audits a refused command (`allowed: false`, its reason and exit code) and says how it ended. Refusals made before
 * the policy use it too: a line that does not tokenize (with `line`), a protocol run the protocol's own checks refuse.
 */
export async function refuse(
  session: ShellContext,
  argv: readonly string[],
  refused: Refusal,
  extra: { readonly line?: string; readonly labels?: AuditLabels } = {},
): Promise<Execution> {
  const event = {
    event: 'command',
    session: session.id,
    user: session.user.name,
    addr: session.address,
    argv,
    allowed: false,
    reason: refused.reason,
    code: refused.exitCode,
    via: session.via,
    ...extra.labels,
  } as const;
  // A failure shows in audit.failure, and the command is refused anyway.
  await session.audit.record(extra.line === undefined ? event : { ...event, line: extra.line }).catch(() => undefined);
  return notRun(refused);
}

/** Audits a refusal that happened before the policy (a line that does not tokenize). */
export function recordRefusal(session: ShellContext, line: string, reason: string, code: number): Promise<Execution> {
  return refuse(session, [], refusalOfStatus(code, reason), { line });
}

// A command that did not run: the shell shows `reason` and exits with `code`, the protocol sends the refusal's code.
function notRun(refused: Refusal): Execution {
  return { ran: false, code: refused.exitCode, reason: refused.reason, refusal: refused };
}

async function recordExit(
  session: ShellContext,
  argv: readonly string[],
  r: ProcessResult,
  code: number,
  labels: AuditLabels | undefined,
): Promise<void> {
  const { signal, durationMs, stdoutBytes, stderrBytes, timedOut, truncated, canceled } = r;
  await session.audit
    .record({
      event: 'exit',
      session: session.id,
      user: session.user.name,
      addr: session.address,
      argv,
      code,
      ...(r.error === undefined ? {} : { error: r.error }),
      signal,
      durationMs,
      stdoutBytes,
      stderrBytes,
      timedOut,
      truncated,
      canceled,
      ...labels,
    })
    .catch(() => undefined); // the failure is visible in audit.failure; the next command is refused
}
