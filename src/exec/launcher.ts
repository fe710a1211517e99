// Spawns commands through launcher processes (launcher-child.mjs), so that Keyhole's event loop never blocks in fork.
//
// Why: Node's spawn() returns only after the child has forked and exec'd, and the fork copies the page tables of the
// whole server (65+ MiB), blocking every session for 5-15 ms per command (docs/BENCHMARKS.md). A launcher is a small
// Node process that does the spawn and hands the child's pipes back over its IPC channel, so the output still flows
// straight from the pipe to the SSH channel. Keyhole keeps the pid (timeouts and kills signal the process group) and
// learns the exit status from a message. A launcher that dies takes no command's audit record with it: its commands
// are killed and end as killed by SIGKILL, and the next command starts a new launcher.
import { fork, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import os from 'node:os';

const CHILD = new URL('./launcher-child.mjs', import.meta.url);
/** One launcher per core (a spawn keeps one busy), at most four: more buys nothing but memory. */
const POOL_SIZE = Math.min(4, Math.max(1, os.availableParallelism()));

/** What runProcess uses of a child: its pid, its pipes, and 'exit' then 'close' (code, signal). */
export interface LaunchedChild extends EventEmitter {
  pid?: number;
  stdout: Socket | null;
  stderr: Socket | null;
  stdin: Socket | null;
}

interface Launch {
  readonly launcher: ChildProcess;
  readonly child: LaunchedChild;
  readonly wantStdin: boolean;
  resolve(child: LaunchedChild): void;
  reject(err: Error): void;
  started: boolean;
  /** Pipes received and not yet closed: 'close' waits for them, as a real ChildProcess does. */
  open: number;
  exit?: [number | null, NodeJS.Signals | null];
}

interface Message {
  readonly type: 'pid' | 'stdout' | 'stderr' | 'stdin' | 'exit' | 'error';
  readonly id: number;
  readonly pid?: number;
  readonly code?: number | string | null;
  readonly signal?: NodeJS.Signals | null;
  readonly message?: string;
}

const pool: ChildProcess[] = [];
const launches = new Map<number, Launch>();
let nextId = 0;
let turn = 0;

/** Starts the launchers now, so that the first command does not wait for them (idempotent). */
export function startLaunchers(): void {
  while (pool.length < POOL_SIZE) pool.push(startLauncher());
}

/** How the launchers spawn: 'posix_spawn' through the native addon (src/native), or 'child_process' without it. */
export function spawnMethod(): Promise<'posix_spawn' | 'child_process'> {
  startLaunchers();
  const launcher = pool[0]!;
  channelOf(launcher)?.ref(); // keep this process alive for the answer
  return new Promise((resolve) => {
    const onMessage = (msg: { type?: string; native?: boolean }) => {
      if (msg.type !== 'how') return;
      launcher.off('message', onMessage);
      if (launches.size === 0) channelOf(launcher)?.unref();
      resolve(msg.native ? 'posix_spawn' : 'child_process');
    };
    launcher.on('message', onMessage);
    launcher.send({ type: 'how' });
  });
}

/** The pids of the running launchers (for tests and diagnostics). */
export function launcherPids(): number[] {
  return pool.flatMap((l) => (l.pid === undefined ? [] : [l.pid]));
}

/**
 * Spawns `program` like child_process.spawn with `options` (stdio is decided here: stdin piped when `stdin`, stdout
 * and stderr always). Resolves once the pipes are here; rejects like spawn's 'error' when the program cannot start.
 */
export function launch(
  program: string,
  args: readonly string[],
  options: Omit<SpawnOptions, 'stdio'>,
  stdin: boolean,
): Promise<LaunchedChild> {
  startLaunchers();
  const launcher = pool[turn++ % pool.length]!;
  const id = ++nextId;
  const child = Object.assign(new EventEmitter(), { stdout: null, stderr: null, stdin: null }) as LaunchedChild;
  return new Promise((resolve, reject) => {
    launches.set(id, { launcher, child, wantStdin: stdin, resolve, reject, started: false, open: 0 });
    if (launches.size === 1) refLaunchers(true);
    launcher.send({ type: 'spawn', id, program, args, options, stdin });
  });
}

function startLauncher(): ChildProcess {
  const launcher = fork(CHILD, [], {
    execArgv: [], // plain node: no tsx loader, no inspector flags
    // stdin is the launcher's lifeline: it sees EOF when this process ends, however it ends (launcher-child.mjs).
    stdio: ['pipe', 'inherit', 'inherit', 'ipc'],
    serialization: 'json',
  });
  launcher.stdin?.on('error', () => undefined); // never written: only its closing matters
  launcher.on('message', (msg: Message, handle?: Socket) => onMessage(msg, handle));
  launcher.on('error', () => undefined); // a send to a launcher that just died: its 'exit' settles its launches
  launcher.once('exit', () => onLauncherExit(launcher));
  launcher.unref();
  if (launches.size === 0) channelOf(launcher)?.unref();
  return launcher;
}

function onMessage(msg: Message, handle: Socket | undefined): void {
  const l = launches.get(msg.id);
  if (!l) return void handle?.destroy();
  switch (msg.type) {
    case 'error':
      settle(msg.id);
      return l.reject(Object.assign(new Error(msg.message ?? 'cannot start'), { code: msg.code }));
    case 'pid':
      l.child.pid = msg.pid;
      return;
    case 'stdout':
    case 'stderr':
    case 'stdin': {
      if (!handle) return;
      l.child[msg.type] = handle;
      handle.on('error', () => undefined); // a late shutdown() of a pipe whose other end is gone, harmless
      if (msg.type !== 'stdin') {
        l.open++;
        handle.once('close', () => {
          l.open--;
          maybeClose(msg.id, l);
        });
      }
      if (msg.type === (l.wantStdin ? 'stdin' : 'stderr')) {
        l.started = true;
        l.resolve(l.child);
      }
      return;
    }
    case 'exit':
      exited(msg.id, l, [typeof msg.code === 'number' ? msg.code : null, msg.signal ?? null]);
  }
}

function exited(id: number, l: Launch, status: [number | null, NodeJS.Signals | null]): void {
  if (l.exit) return;
  l.exit = status;
  l.child.emit('exit', ...status);
  maybeClose(id, l);
}

function maybeClose(id: number, l: Launch): void {
  if (!l.exit || l.open > 0) return;
  settle(id);
  l.child.emit('close', ...l.exit);
}

function settle(id: number): void {
  launches.delete(id);
  if (launches.size === 0) refLaunchers(false);
}

// A launcher died (killed, out of memory): the exit statuses of its commands are lost with it. Every command of it
// whose pid is known is killed, so that nothing runs unsupervised: those whose pipes had arrived end as killed by
// SIGKILL, the others fail to start. (A launcher killed in the microseconds between its spawn() returning and its
// next write, the pid message, leaves that one command to run on unsupervised: nothing here can know its pid.)
function onLauncherExit(launcher: ChildProcess): void {
  const at = pool.indexOf(launcher);
  if (at >= 0) pool.splice(at, 1);
  for (const [id, l] of launches) {
    if (l.launcher !== launcher) continue;
    if (l.child.pid !== undefined) killGroup(l.child.pid);
    if (l.started) {
      exited(id, l, [null, 'SIGKILL']);
      continue;
    }
    settle(id);
    for (const pipe of [l.child.stdout, l.child.stderr, l.child.stdin]) pipe?.destroy();
    l.reject(Object.assign(new Error('the launcher process ended before the command started'), { code: 'ELAUNCHER' }));
  }
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: already gone
  }
}

// The launchers' IPC channels keep Keyhole alive only while a command runs, as a child's own handle would.
function refLaunchers(on: boolean): void {
  for (const launcher of pool) {
    const channel = channelOf(launcher);
    if (on) channel?.ref();
    else channel?.unref();
  }
}

function channelOf(launcher: ChildProcess): { ref(): void; unref(): void } | undefined {
  return (launcher as unknown as { channel?: { ref(): void; unref(): void } }).channel;
}
