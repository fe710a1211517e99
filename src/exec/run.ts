// Runs one allowed command: an absolute program and its argv, never through a shell, in its own process group, with a
// fixed environment, a timeout, an output cap, and output streamed with backpressure. The entry point of exec/: the
// plan (plan.ts), the supervision (supervise.ts), the forwarding (forward.ts) and the result (result.ts) live apart.
import { constants as fsConstants } from 'node:fs';
import { access } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { launch, type LaunchedChild } from './launcher.ts';
import { launchOf } from './plan.ts';
import type { RunRequest } from './request.ts';
import { blank, spawnFailed, type ProcessResult } from './result.ts';
import { supervise } from './supervise.ts';

// Runs the command to completion; resolves once it exited and its output was forwarded. Never rejects.
export function runProcess(req: RunRequest): Promise<ProcessResult> {
  const started = performance.now();
  if (!isAbsolute(req.program)) {
    const error = `program must be an absolute path, got '${req.program}'; resolve it when the config loads`;
    return Promise.resolve({ ...blank(started), error, errorCode: 'EINVAL' });
  }
  if (req.signal?.aborted) return Promise.resolve({ ...blank(started), canceled: true });
  // Through setpriv or the helper, a program that cannot start would be their exit 127: check first, as spawn would.
  if (req.readSearchVia !== undefined || req.confine !== undefined) {
    return Promise.all([access(req.program, fsConstants.X_OK), access(req.cwd, fsConstants.X_OK)]).then(
      () => start(req, started),
      (err: unknown) => spawnFailed(req, err, started),
    );
  }
  return start(req, started);
}

// Spawns the planned process through a launcher and supervises it; a spawn that fails is a result, not a throw.
async function start(req: RunRequest, started: number): Promise<ProcessResult> {
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
