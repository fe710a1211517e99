// Supervision of one spawned child: the timeout, the output cap and the abort signal each end its process group
// (SIGTERM, then SIGKILL after a grace), the client's input is fed in, and the result is made once it has closed.
import type { Writable } from 'node:stream';
import type { LaunchedChild } from './launcher.ts';
import { forward, type Forwarder, type OutputBudget } from './forward.ts';
import { blank, type ProcessResult } from './result.ts';
import type { RunRequest } from './request.ts';

type StopReason = 'timedOut' | 'truncated' | 'canceled';

const DEFAULT_KILL_GRACE_MS = 2000;

// Watches one spawned child: limits, abort, forwarding, and the group's cleanup; resolves exactly once.
export function supervise(
  child: LaunchedChild,
  req: RunRequest,
  started: number,
  resolve: (r: ProcessResult) => void,
): void {
  const stopper = groupStopper(child.pid, req.killGraceMs ?? DEFAULT_KILL_GRACE_MS, () => {
    for (const f of forwarders) f.stop(); // never wait on a stalled client once we are ending the command
  });
  const budget: OutputBudget = { remaining: req.maxOutputBytes > 0 ? req.maxOutputBytes : Infinity };
  const onCap = (): void => stopper.terminate('truncated');
  const forwarders: [Forwarder, Forwarder] = [
    forward(child.stdout!, req.stdout, budget, onCap),
    forward(child.stderr!, req.stderr, budget, onCap),
  ];
  const timer = req.timeoutMs > 0 ? setTimeout(() => stopper.terminate('timedOut'), req.timeoutMs) : undefined;
  const onAbort = (): void => stopper.terminate('canceled');
  req.signal?.addEventListener('abort', onAbort, { once: true });
  if (req.signal?.aborted) onAbort(); // aborted while the launcher was starting it
  const unpipeStdin = pipeStdin(req.stdin, child.stdin);

  let done = false;
  const finish = (result: ProcessResult): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    req.signal?.removeEventListener('abort', onAbort);
    for (const f of forwarders) f.detach();
    unpipeStdin();
    stopper.settle();
    resolve(result);
  };
  // Background jobs must not outlive the command: the group is ended as soon as its leader exits.
  child.once('exit', () => stopper.terminate(null));
  child.once('close', (code: number | null, signal: NodeJS.Signals | null) =>
    finish(endedWith(started, code, signal, stopper.reason, forwarders)),
  );
}

/** Ends one process group, remembering why Keyhole stopped it first. */
interface GroupStopper {
  /** The first reason given to terminate(), or null while Keyhole has not stopped the command. */
  readonly reason: StopReason | null;
  /** SIGTERM to the group now, SIGKILL after the grace to whatever ignored it. */
  terminate(why: StopReason | null): void;
  /** Once the leader has closed: keeps the pending SIGKILL only for members that outlived it. */
  settle(): void;
}

// A stopper for the group led by `pid`; onFirstStop runs when the first reason is recorded, before the signal.
function groupStopper(pid: number | undefined, graceMs: number, onFirstStop: () => void): GroupStopper {
  let reason: StopReason | null = null;
  let killTimer: NodeJS.Timeout | undefined;
  return {
    get reason() {
      return reason;
    },
    terminate(why) {
      if (why !== null && reason === null) {
        reason = why;
        onFirstStop();
      }
      if (signalGroup(pid, 'SIGTERM') && killTimer === undefined) {
        killTimer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
        killTimer.unref();
      }
    },
    settle() {
      if (!signalGroup(pid, 0)) clearTimeout(killTimer);
    },
  };
}

// The result of a run whose leader closed: how it ended, why Keyhole stopped it (if it did), and what was forwarded.
function endedWith(
  started: number,
  code: number | null,
  signal: NodeJS.Signals | null,
  stopped: StopReason | null,
  [out, err]: readonly [Forwarder, Forwarder],
): ProcessResult {
  const flags = {
    timedOut: stopped === 'timedOut',
    truncated: stopped === 'truncated',
    canceled: stopped === 'canceled',
  };
  return { ...blank(started), code, signal, ...flags, stdoutBytes: out.bytes, stderrBytes: err.bytes };
}

// Feeds the client's input to the program; returns how to stop doing so.
function pipeStdin(src: NodeJS.ReadableStream | null | undefined, dest: Writable | null): () => void {
  if (!src || !dest) return () => {};
  dest.on('error', () => {}); // EPIPE when the program exits without reading all of its input
  src.pipe(dest);
  return () => void src.unpipe(dest);
}

// Sends a signal to a whole process group; false when the group no longer exists.
function signalGroup(pid: number | undefined, sig: NodeJS.Signals | 0): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(-pid, sig);
    return true;
  } catch {
    return false; // ESRCH: nobody left (EPERM cannot happen: we spawned the group, or we are root)
  }
}
