// The background load of figure 6, in its own process so that its work does not delay the timed `echo` commands.
// It logs in its sessions once, then, each time it is told to run, has every session run `true` about once per
// pause (jittered, first command at a random moment so the sessions do not start in step) until told to pause.
import { setMaxListeners } from 'node:events';
import { setTimeout as wait } from 'node:timers/promises';
import type { Endpoint } from '../targets/target.ts';
import { runPool } from '../stats.ts';
import { closeClient, connectClient, execOn, type Client } from './ssh2.ts';

export interface LoadRequest {
  readonly endpoint: Endpoint;
  readonly keyFile: string;
  readonly sessions: number;
  readonly pauseMs: number;
}

/** Parent to worker: the request first, then 'run' / 'pause' any number of times, then 'close'. */
export type LoadCommand =
  { type: 'start'; request: LoadRequest } | { type: 'run' } | { type: 'pause' } | { type: 'close' };

/** Worker to parent, one answer per command. */
export type LoadMessage =
  | { type: 'ready' }
  | { type: 'running' }
  | { type: 'paused'; commands: number; failures: number; seconds: number }
  | { type: 'closed' }
  | { type: 'failed'; error: string };

const send = (message: LoadMessage): void => void process.send!(message);
// A pause that ends early when the run is paused, so that pausing never waits out a session's think time.
const nap = (ms: number, signal: AbortSignal) => wait(ms, undefined, { signal }).catch(() => undefined);

let clients: Client[] = [];
let request: LoadRequest;
interface Run {
  readonly stop: AbortController;
  readonly tally: { commands: number; failures: number };
  readonly start: number;
  done?: Promise<void[]>;
}
let active: Run | null = null;

// One session's commands until the run is paused.
async function churn(client: Client, run: Run): Promise<void> {
  await nap(Math.random() * request.pauseMs, run.stop.signal);
  while (!run.stop.signal.aborted) {
    const r = await execOn(client, 'true').catch(() => null);
    if (r?.code === 0) run.tally.commands++;
    else run.tally.failures++;
    await nap(request.pauseMs * (0.5 + Math.random()), run.stop.signal);
  }
}

async function handle(command: LoadCommand): Promise<void> {
  switch (command.type) {
    case 'start':
      request = command.request;
      await runPool(
        request.sessions,
        16,
        async () => void clients.push(await connectClient(request.endpoint, request.keyFile)),
      );
      return send({ type: 'ready' });
    case 'run': {
      const run: Run = { stop: new AbortController(), tally: { commands: 0, failures: 0 }, start: performance.now() };
      setMaxListeners(clients.length + 10, run.stop.signal); // one pending pause per session listens to it
      run.done = Promise.all(clients.map((c) => churn(c, run)));
      active = run;
      return send({ type: 'running' });
    }
    case 'pause': {
      if (!active) return send({ type: 'paused', commands: 0, failures: 0, seconds: 0 });
      const run = active;
      run.stop.abort();
      const seconds = (performance.now() - run.start) / 1000;
      active = null;
      await run.done;
      return send({ type: 'paused', ...run.tally, seconds });
    }
    case 'close':
      await runPool(clients.length, 32, (i) => closeClient(clients[i]!));
      clients = [];
      process.send!({ type: 'closed' } satisfies LoadMessage, () => process.disconnect());
      return;
  }
}

// The parent went away (it crashed, or was killed): the sessions end with this process.
process.on('disconnect', () => process.exit(0));
process.on('message', (command: LoadCommand) => {
  handle(command).catch((err: Error) =>
    process.send!({ type: 'failed', error: err.message } satisfies LoadMessage, () => process.exit(1)),
  );
});
