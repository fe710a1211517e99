// Runs one allowed command: an absolute program and its argv, never through a shell, in its own process group, with a
// fixed environment, a timeout, an output cap, and output streamed with backpressure. With launcher.ts, the only
// child_process importers.
import { spawnSync } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { access } from 'node:fs/promises';
import { constants } from 'node:os';
import { launch, type LaunchedChild } from './launcher.ts';
import { basename, isAbsolute } from 'node:path';
import type { Readable, Writable } from 'node:stream';

export interface RunRequest {
  /** Absolute path of the program; the child sees its basename as argv[0]. */
  readonly program: string;
  /** The arguments after argv[0]. */
  readonly args: readonly string[];
  /** The complete environment: nothing is inherited from the server. */
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** 0 = no timeout. */
  readonly timeoutMs: number;
  /** Cap on stdout and stderr together; 0 = no cap. */
  readonly maxOutputBytes: number;
  /** Piped to the child when given; otherwise the child's stdin is /dev/null. */
  readonly stdin?: NodeJS.ReadableStream | null;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** Abort = the session ended or the user pressed Ctrl-C: the process group is killed. */
  readonly signal?: AbortSignal;
  /** Run as this user and group (needs the server to run as root). */
  readonly uid?: number;
  readonly gid?: number;
  /**
   * With uid and gid: the setpriv binary that switches to them keeping CAP_DAC_READ_SEARCH and nothing else (the
   * implicit runAs of a root server, see config/run-as.ts). setpriv execs the program, so the pid stays the same.
   */
  readonly readSearchVia?: string;
  /** How long after SIGTERM the group gets SIGKILL (default 2000). */
  readonly killGraceMs?: number;
}

export interface RunResult {
  /** Exit code, when the program exited. */
  readonly code: number | null;
  /** Name of the signal that ended it, when it was killed. */
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly truncated: boolean;
  readonly canceled: boolean;
  readonly durationMs: number;
  /** Bytes written to each destination (what the client received, at most the cap together). */
  readonly stdoutBytes: number;
  readonly stderrBytes: number;
  /** One line when the program could not be started, with its errno code (ENOENT, EACCES, ...). */
  readonly error?: string;
  readonly errorCode?: string;
}

type StopReason = 'timedOut' | 'truncated' | 'canceled';

const DEFAULT_KILL_GRACE_MS = 2000;

// Runs the command to completion; resolves once it exited and its output was forwarded. Never rejects.
export function runCommand(req: RunRequest): Promise<RunResult> {
  const started = performance.now();
  if (!isAbsolute(req.program)) {
    const error = `program must be an absolute path, got '${req.program}'; resolve it when the config loads`;
    return Promise.resolve({ ...blank(started), error, errorCode: 'EINVAL' });
  }
  if (req.signal?.aborted) return Promise.resolve({ ...blank(started), canceled: true });
  // Through setpriv, a program that cannot start would be setpriv's exit 127 with no reason: check first, as spawn would.
  if (req.readSearchVia !== undefined) {
    return Promise.all([access(req.program, fsConstants.X_OK), access(req.cwd, fsConstants.X_OK)]).then(
      () => start(req, started),
      (err: unknown) => spawnFailed(req, err, started),
    );
  }
  return start(req, started);
}

async function start(req: RunRequest, started: number): Promise<RunResult> {
  if (req.signal?.aborted) return { ...blank(started), canceled: true };
  const how = launchOf(req);
  let child: LaunchedChild;
  try {
    // fork+exec happens in a launcher process (launcher.ts): spawn() here would block the event loop for the fork.
    child = await launch(
      how.file,
      how.args,
      {
        shell: false,
        detached: true, // a new session and process group, so the whole group can be signalled
        env: { ...req.env },
        cwd: req.cwd,
        argv0: how.argv0,
        ...how.ids,
      },
      Boolean(req.stdin),
    );
  } catch (err) {
    return spawnFailed(req, err, started);
  }
  return new Promise((resolve) => supervise(child, req, started, resolve));
}

interface LaunchPlan {
  readonly file: string;
  readonly args: readonly string[];
  readonly argv0: string;
  readonly ids: { uid?: number; gid?: number };
}

// What to spawn: the program itself (switched to uid/gid by Node), or setpriv switching and keeping one capability.
function launchOf(req: RunRequest): LaunchPlan {
  if (req.readSearchVia === undefined || req.uid === undefined || req.gid === undefined) {
    const ids = {
      ...(req.uid === undefined ? {} : { uid: req.uid }),
      ...(req.gid === undefined ? {} : { gid: req.gid }),
    };
    return { file: req.program, args: req.args, argv0: basename(req.program), ids };
  }
  const args = [...readSearchArgs(req.uid, req.gid), req.program, ...req.args];
  return { file: req.readSearchVia, args, argv0: 'setpriv', ids: {} };
}

// setpriv's options up to `--`: switch to uid/gid and keep CAP_DAC_READ_SEARCH alone. Inheritable + ambient keep it
// across setpriv's exec of the program (and of what that runs); the bounding set drops every other capability for
// good, so nothing below can regain one from a setuid binary.
function readSearchArgs(uid: number, gid: number): string[] {
  const keep = '-all,+dac_read_search';
  return [
    `--reuid=${uid}`,
    `--regid=${gid}`,
    '--clear-groups',
    `--inh-caps=${keep}`,
    `--ambient-caps=${keep}`,
    `--bounding-set=${keep}`,
    '--',
  ];
}

/**
 * True when this setpriv can switch to uid/gid keeping CAP_DAC_READ_SEARCH here: a container may withhold the
 * capability (Docker's default set does), and then every command would fail. Runs setpriv once, on itself.
 */
export function canKeepReadSearch(setpriv: string, uid: number, gid: number): boolean {
  const probe = spawnSync(setpriv, [...readSearchArgs(uid, gid), setpriv, '--version'], {
    stdio: 'ignore',
    timeout: 5000,
    env: {},
  });
  return probe.status === 0;
}

// Maps a result to the exit status a shell would report.
export function exitCodeOf(r: RunResult): number {
  if (r.error !== undefined) return r.errorCode === 'ENOENT' ? 127 : 126;
  if (r.timedOut) return 124;
  if (r.signal !== null) return 128 + (constants.signals[r.signal as NodeJS.Signals] ?? 0);
  if (r.code !== null) return r.code;
  return 130; // canceled before it started: what a shell reports for Ctrl-C
}

// Watches one spawned child: limits, abort, forwarding, and the group's cleanup; resolves exactly once.
function supervise(child: LaunchedChild, req: RunRequest, started: number, resolve: (r: RunResult) => void): void {
  const pid = child.pid;
  const grace = req.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  let stopped: StopReason | null = null;
  let killTimer: NodeJS.Timeout | undefined;
  let done = false;

  // SIGTERM to the group now, SIGKILL later to whatever ignored it; a reason is recorded only for the first stop.
  const terminate = (why: StopReason | null): void => {
    if (why !== null && stopped === null) {
      stopped = why;
      for (const f of forwarders) f.stop(); // never wait on a stalled client once we are ending the command
    }
    if (signalGroup(pid, 'SIGTERM') && killTimer === undefined) {
      killTimer = setTimeout(() => signalGroup(pid, 'SIGKILL'), grace);
      killTimer.unref();
    }
  };
  const budget: OutputBudget = { remaining: req.maxOutputBytes > 0 ? req.maxOutputBytes : Infinity };
  const onCap = (): void => terminate('truncated');
  const forwarders: Forwarder[] = [
    forward(child.stdout!, req.stdout, budget, onCap),
    forward(child.stderr!, req.stderr, budget, onCap),
  ];
  const timer = req.timeoutMs > 0 ? setTimeout(() => terminate('timedOut'), req.timeoutMs) : undefined;
  const onAbort = (): void => terminate('canceled');
  req.signal?.addEventListener('abort', onAbort, { once: true });
  if (req.signal?.aborted) onAbort(); // aborted while the launcher was starting it
  const unpipeStdin = pipeStdin(req.stdin, child.stdin);

  const finish = (result: RunResult): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    req.signal?.removeEventListener('abort', onAbort);
    for (const f of forwarders) f.detach();
    unpipeStdin();
    if (!signalGroup(pid, 0)) clearTimeout(killTimer); // keep the SIGKILL only for members that outlived the leader
    resolve(result);
  };
  // Background jobs must not outlive the command: the group is ended as soon as its leader exits.
  child.once('exit', () => terminate(null));
  child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
    const [out, err] = forwarders as [Forwarder, Forwarder];
    const flags = {
      timedOut: stopped === 'timedOut',
      truncated: stopped === 'truncated',
      canceled: stopped === 'canceled',
    };
    finish({ ...blank(started), code, signal, ...flags, stdoutBytes: out.bytes, stderrBytes: err.bytes });
  });
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

// The result of a spawn that failed, with a one-line reason that says what to check.
function spawnFailed(req: RunRequest, err: unknown, started: number): RunResult {
  const code = (err as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
  const hints: Record<string, string> = {
    ENOENT: `not found, or the working directory ${req.cwd} is missing; check the command's program and cwd`,
    EACCES: `permission denied; check that it is executable and that ${req.cwd} is accessible`,
  };
  const why = hints[code] ?? `cannot start (${code}: ${(err as Error).message}); check the command's configuration`;
  return { ...blank(started), error: `${req.program}: ${why}`, errorCode: code };
}

// A result with nothing happened yet, timed from `started`.
function blank(started: number): RunResult {
  return {
    code: null,
    signal: null,
    timedOut: false,
    truncated: false,
    canceled: false,
    durationMs: Math.round(performance.now() - started),
    stdoutBytes: 0,
    stderrBytes: 0,
  };
}

/** What is left of the output cap, shared by stdout and stderr. */
interface OutputBudget {
  remaining: number;
}

/** One of the child's pipes being copied to its destination. */
interface Forwarder {
  /** Bytes written to the destination so far. */
  readonly bytes: number;
  /** From now on, drop output the destination has no room for instead of waiting for it to drain. */
  stop(): void;
  /** Removes every listener this forwarder added. */
  detach(): void;
}

// Copies a pipe to a destination as it arrives, pausing the pipe while the destination is full (write() false).
function forward(src: Readable, dest: NodeJS.WritableStream, budget: OutputBudget, onCap: () => void): Forwarder {
  let bytes = 0;
  let full = false;
  let stopping = false;
  const onDrain = (): void => {
    full = false;
    src.resume();
  };
  const onData = (chunk: Buffer): void => {
    if (!isOpen(dest)) return;
    if (full) {
      // Node resumes a child's pipes when it exits (flushStdio): pause again rather than queue without bound.
      if (stopping) return;
      src.pause();
    }
    const n = Math.min(chunk.length, budget.remaining);
    budget.remaining -= n;
    if (n < chunk.length) onCap();
    if (n === 0) return;
    bytes += n;
    if (dest.write(n === chunk.length ? chunk : chunk.subarray(0, n)) || full) return;
    full = true;
    dest.once('drain', onDrain);
    if (!stopping) src.pause();
  };
  const onClose = (): void => void src.resume(); // nobody will drain a closed destination: read and drop the rest
  src.on('data', onData);
  dest.on('close', onClose);
  return {
    get bytes() {
      return bytes;
    },
    stop() {
      stopping = true;
      src.resume();
    },
    detach() {
      src.off('data', onData);
      dest.off('drain', onDrain);
      dest.off('close', onClose);
    },
  };
}

// Whether a destination still accepts writes (a late write to a closed ssh2 channel never calls back).
function isOpen(dest: NodeJS.WritableStream): boolean {
  const w = dest as NodeJS.WritableStream & { destroyed?: boolean; writableEnded?: boolean };
  return dest.writable !== false && w.destroyed !== true && w.writableEnded !== true;
}
