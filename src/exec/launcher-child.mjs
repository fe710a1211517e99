// A launcher process (see launcher.ts): spawns commands for Keyhole so that process creation, which blocks the
// spawning thread, happens here and not on Keyhole's event loop. The child's pipes are handed to Keyhole over the IPC
// channel (fd passing): output never flows through this process. Plain JavaScript, started without tsx, so that it
// stays small and starts fast.
//
// Two ways to spawn: the native addon (src/native: posix_spawn, no fork, about 4.5 ms per /bin/true here against
// 10.7 for Node's fork-based spawn), built at install time when a compiler is there; otherwise, and for commands that
// switch user (posix_spawn cannot), child_process.spawn.
import { spawn } from 'node:child_process';
import { closeSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { constants } from 'node:os';
import process from 'node:process';

closeInheritedDescriptors();
const native = loadNative();
const nativeRuns = new Map(); // pid → id, until the exit is reported
const running = new Set(); // pids of the commands started here and not yet exited
native?.onExit((pid, code, signalNumber) => {
  const id = nativeRuns.get(pid);
  nativeRuns.delete(pid);
  running.delete(pid);
  if (id === undefined) return;
  process.send({ type: 'exit', id, code, signal: signalName(signalNumber) });
});

// Keyhole gone (exited, or killed with SIGKILL, when it cannot end them itself): no command may outlive it, so the
// process group of every command still running here is killed before this process exits. Two signs, either enough:
// EOF on stdin, a pipe whose other end Keyhole alone holds (the kernel closes it however Keyhole ends), and the IPC
// channel's 'disconnect'. The pipe is the one to rely on: Node emits 'disconnect' only once no handle sent awaits its
// acknowledgement, so a Keyhole killed between receiving a pipe and acknowledging it left this process deaf to its
// death (it then exited when its event loop emptied, or never, and its commands ran on).
const keyholeGone = () => process.exit(0); // the 'exit' handler below kills the groups
process.stdin.on('end', keyholeGone).on('error', keyholeGone).resume();
process.on('disconnect', keyholeGone);
// However this process ends (Keyhole gone, an uncaught error, an empty event loop), its commands end with it.
process.on('exit', () => {
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // ESRCH: that group is gone already
    }
  }
});

process.on('message', (msg) => {
  if (msg?.type === 'how') return void process.send({ type: 'how', native: native !== null });
  if (msg?.type !== 'spawn') return;
  const { id, program, args, options, stdin } = msg;
  const failed = (err) => process.send({ type: 'error', id, code: err.code ?? 'EUNKNOWN', message: err.message });
  if (native && options.uid === undefined && options.gid === undefined) return spawnNative(msg, failed);
  let child;
  try {
    child = spawn(program, args, { ...options, stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  } catch (err) {
    return failed(err);
  }
  if (child.pid === undefined) return void child.once('error', failed);
  child.on('error', () => undefined); // after a successful spawn only kill() can fail, and Keyhole signals by pid
  // Node starts reading a child's pipes when it makes them, and resumes unconsumed ones when the child exits (to
  // drain them). These are handed to Keyhole, so this process must never read them: stop the reading that started,
  // and mark them unreadable so the exit does not resume them (a handle still queued for sending would be closed).
  for (const pipe of [child.stdout, child.stderr, child.stdin]) {
    if (!pipe) continue;
    pipe._handle?.readStop();
    pipe.readable = false;
  }
  const pid = child.pid;
  running.add(pid);
  handOver(id, pid, child.stdout, child.stderr, child.stdin);
  child.once('exit', (code, signal) => {
    running.delete(pid);
    process.send({ type: 'exit', id, code, signal });
  });
});

// The same contract as child_process.spawn with detached: true (a new session), for what Keyhole passes.
function spawnNative({ id, program, args, options, stdin }, failed) {
  const argv = [options.argv0 ?? program, ...args];
  const envp = Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`);
  const r = native.spawn(program, argv, envp, options.cwd ?? process.cwd(), Boolean(stdin));
  if (r.errno !== undefined) {
    const code = errnoName(r.errno);
    return failed(Object.assign(new Error(`spawn ${program} ${code}`), { code }));
  }
  nativeRuns.set(r.pid, id);
  running.add(r.pid);
  // readable: false, so that this process never starts reading them: they are only passed on.
  const stdout = new net.Socket({ fd: r.stdout, readable: false, writable: false });
  const stderr = new net.Socket({ fd: r.stderr, readable: false, writable: false });
  const input = r.stdin >= 0 ? new net.Socket({ fd: r.stdin, readable: false, writable: true }) : null;
  handOver(id, r.pid, stdout, stderr, input);
}

function handOver(id, pid, stdout, stderr, stdin) {
  // The pid first, in a message of its own: Node holds messages back while a handle it sent waits for its
  // acknowledgement, and Keyhole must know whom to kill should this process die before the pipes arrive.
  process.send({ type: 'pid', id, pid });
  // send() closes this process's copy of each pipe once it is sent, so EOF reaches Keyhole when the child ends.
  process.send({ type: 'stdout', id }, stdout);
  process.send({ type: 'stderr', id }, stderr);
  if (stdin) process.send({ type: 'stdin', id }, stdin);
}

// Descriptors Keyhole inherited without close-on-exec (from a service manager, a harness, a careless parent) would be
// passed on to every command child_process starts (posix_spawn closes them anyway). This process needs none of them:
// everything Node opens itself is close-on-exec, its IPC channel included, so close the ones that are not.
function closeInheritedDescriptors() {
  const O_CLOEXEC = 0o2000000;
  let names = [];
  try {
    names = readdirSync('/proc/self/fd');
  } catch {
    return; // no /proc (not Linux): nothing to look at
  }
  for (const name of names) {
    const fd = Number(name);
    if (!(fd > 2)) continue;
    let flags;
    try {
      flags = /^flags:\s+([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))?.[1];
    } catch {
      continue; // gone already (the directory listing's own descriptor)
    }
    if (flags !== undefined && (parseInt(flags, 8) & O_CLOEXEC) === 0) closeSync(fd);
  }
}

function loadNative() {
  if (process.env.KEYHOLE_NATIVE_SPAWN === '0') return null; // to compare, or to rule the addon out
  try {
    // The same path from src/exec/ (the sources) and dist/exec/ (the build): npm install builds it in src/native/.
    return createRequire(import.meta.url)('../../src/native/build/Release/keyhole_spawn.node');
  } catch {
    return null; // not built (no compiler at install): child_process.spawn does the work
  }
}

function signalName(number) {
  if (!number) return null;
  return Object.keys(constants.signals).find((name) => constants.signals[name] === number) ?? `SIG${number}`;
}

function errnoName(number) {
  return Object.keys(constants.errno).find((name) => constants.errno[name] === number) ?? `E${number}`;
}
