// A launcher process (see launcher.ts): spawns commands for Keyhole so that fork+exec, which blocks the spawning thread
// for as long as copying the page tables of the whole process takes, happens here and not on Keyhole's event loop.
// The child's pipes are handed to Keyhole over the IPC channel (fd passing): output never flows through this process.
// Plain JavaScript, started without tsx, so that it stays small and starts fast.
import { spawn } from 'node:child_process';
import process from 'node:process';

// Keyhole gone: nothing is left to serve. The commands are in their own process groups and Keyhole ends them.
process.on('disconnect', () => process.exit(0));

process.on('message', (msg) => {
  if (msg?.type !== 'spawn') return;
  const { id, program, args, options, stdin } = msg;
  const failed = (err) => process.send({ type: 'error', id, code: err.code ?? 'EUNKNOWN', message: err.message });
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
  // The pid first, in a message of its own: Node holds messages back while a handle it sent waits for its
  // acknowledgement, and Keyhole must know whom to kill should this process die before the pipes arrive.
  process.send({ type: 'pid', id, pid: child.pid });
  // send() closes this process's copy of each pipe once it is sent, so EOF reaches Keyhole when the child ends.
  process.send({ type: 'stdout', id }, child.stdout);
  process.send({ type: 'stderr', id }, child.stderr);
  if (stdin) process.send({ type: 'stdin', id }, child.stdin);
  child.once('exit', (code, signal) => process.send({ type: 'exit', id, code, signal }));
});
