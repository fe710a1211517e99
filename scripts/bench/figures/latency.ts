// Figure 6: how long `echo` takes on an open session while many other sessions run commands. A worker process logs
// in the background sessions once per server and runs their commands during each round; this process times each
// `echo` from the exec request to the channel's close.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { closeClient, connectClient, execOk } from '../load/ssh2.ts';
import type { LoadCommand, LoadMessage } from '../load/worker.ts';
import { elapsedMs, percentile } from '../stats.ts';
import type { Target } from '../targets/target.ts';
import { pause, type Figure } from './context.ts';

const WORKER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../load/worker.ts');

/** The worker process and the one-answer-per-command exchange with it. */
class LoadWorker {
  private constructor(private readonly child: ChildProcess) {}

  /** Forks the worker and logs in its sessions. */
  static async start(target: Target, keyFile: string, sessions: number, pauseMs: number): Promise<LoadWorker> {
    const child = fork(WORKER, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const worker = new LoadWorker(child);
    const endpoint = { name: target.name, port: target.port, user: target.user };
    await worker.ask({ type: 'start', request: { endpoint, keyFile, sessions, pauseMs } }, 'ready');
    return worker;
  }

  async ask<T extends LoadMessage['type']>(
    command: LoadCommand,
    expected: T,
  ): Promise<Extract<LoadMessage, { type: T }>> {
    const answer = once(this.child, 'message') as Promise<[LoadMessage]>;
    const exited = once(this.child, 'exit').then(
      () => [{ type: 'failed', error: 'the load worker exited' }] as [LoadMessage],
    );
    this.child.send(command);
    const [message] = await Promise.race([answer, exited]);
    if (message.type !== expected)
      throw new Error(`load worker: expected '${expected}', got ${JSON.stringify(message)}`);
    return message as Extract<LoadMessage, { type: T }>;
  }

  /** Closes the sessions and lets the worker exit; kills it (by PID) if it does not. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    await this.ask({ type: 'close' }, 'closed').catch(() => this.child.kill('SIGKILL'));
    await exited;
  }
}

/** Figure 6: the background sessions are logged in once per server; each round times `plan.probes` echoes. */
export const latencyFigure: Figure = {
  number: 6,
  async open(target, ctx) {
    const { plan, work } = ctx;
    const probe = await connectClient(target, work.clientKey);
    const worker = await LoadWorker.start(target, work.clientKey, plan.loadSessions, plan.loadPauseMs).catch(
      async (err) => {
        await closeClient(probe);
        throw err;
      },
    );
    await execOk(probe, 'echo warm', target);
    return {
      async round() {
        await worker.ask({ type: 'run' }, 'running');
        await pause(Math.min(plan.loadPauseMs, 2000)); // let the load reach its steady state
        const times: number[] = [];
        for (let i = 0; i < plan.probes; i++) {
          const start = performance.now();
          await execOk(probe, 'echo hello', target);
          times.push(elapsedMs(start));
        }
        const load = await worker.ask({ type: 'pause' }, 'paused');
        if (load.failures > 0) ctx.progress(`${target.name}: ${load.failures} background commands failed`);
        return {
          'echo-p50': percentile(times, 50),
          'echo-p99': percentile(times, 99),
          'load-commands': load.commands / load.seconds,
        };
      },
      async close() {
        await worker.close();
        await closeClient(probe);
      },
    };
  },
};
