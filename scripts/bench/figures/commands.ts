// Figure 3: commands per second over one authenticated connection, one command in flight at a time: exec channels
// (both servers), and Keyhole's structured protocol (the keyhole-v1 subsystem, newline-delimited JSON frames).
import type { ClientChannel } from 'ssh2';
import { readServerFrames } from '../../../src/client/frame-reader.ts';
import { PROTOCOL_NAME, PROTOCOL_VERSION, encodeFrame, type ServerFrame } from '../../../src/protocol/frames.ts';
import { closeClient, connectClient, execOk, type Client } from '../load/ssh2.ts';
import type { Figures } from '../report/metrics.ts';
import { elapsedMs } from '../stats.ts';
import type { Target } from '../targets/target.ts';
import type { FigureContext } from './context.ts';
import { cpuOf } from './cpu.ts';

/** `true` as `count` exec channels, one after another on one connection: commands per second, server CPU each. */
export async function execCommands(
  target: Target,
  ctx: FigureContext,
  count: number,
): Promise<{ rate: number; cpuMs: number }> {
  const client = await connectClient(target, ctx.work.clientKey);
  try {
    await execOk(client, 'true', target);
    const start = performance.now();
    const cpu = await cpuOf(target, async () => {
      for (let i = 0; i < count; i++) await execOk(client, 'true', target);
    });
    return { rate: count / (elapsedMs(start) / 1000), cpuMs: cpu / count };
  } finally {
    await closeClient(client);
  }
}

/**
 * The protocol variant of figure 3: `true` as `count` run frames, one after another, over one keyhole-v1 subsystem
 * channel. Null when the server does not offer the subsystem (sshd; Keyhole before src/protocol/ is wired in).
 */
export async function protocolCommandsPerSecond(
  target: Target,
  ctx: FigureContext,
  count: number,
): Promise<number | null> {
  if (target.name !== 'keyhole') return null;
  const client = await connectClient(target, ctx.work.clientKey);
  try {
    const channel = await openSubsystem(client, PROTOCOL_NAME);
    if (!channel) return null;
    const frames = new FrameWaiter(channel);
    channel.write(encodeFrame({ type: 'hello', client: 'keyhole-bench', versions: [PROTOCOL_VERSION] }));
    await frames.next((f) => f.type === 'hello');
    await runFrame(channel, frames, 'warm-up');
    const start = performance.now();
    for (let i = 0; i < count; i++) await runFrame(channel, frames, `r${i}`);
    const rate = count / (elapsedMs(start) / 1000);
    channel.end();
    return rate;
  } finally {
    await closeClient(client);
  }
}

// Sends one run of `true` and waits for its exit frame; anything but code 0 is an error in the bench's setup.
async function runFrame(channel: ClientChannel, frames: FrameWaiter, id: string): Promise<void> {
  channel.write(encodeFrame({ type: 'run', id, argv: ['true'] }));
  const exit = await frames.next((f) => (f.type === 'exit' || f.type === 'error') && f.id === id);
  if (exit.type !== 'exit' || exit.code !== 0)
    throw new Error(`keyhole-v1 run of 'true' failed: ${JSON.stringify(exit)}`);
}

function openSubsystem(client: Client, name: string): Promise<ClientChannel | null> {
  return new Promise((resolve) => client.subsys(name, (err, channel) => resolve(err ? null : channel)));
}

/** The server's frames, checked by the protocol's codec as the client library reads them, each to its waiter. */
class FrameWaiter {
  #waiters: { match: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void; reject: (e: Error) => void }[] =
    [];
  #closed: Error | null = null;

  constructor(channel: ClientChannel) {
    readServerFrames(channel, {
      frame: (frame) => {
        const i = this.#waiters.findIndex((w) => w.match(frame));
        if (i >= 0) this.#waiters.splice(i, 1)[0]!.resolve(frame);
      },
      invalid: (err) => this.#fail(err),
      closed: () => this.#fail(new Error('the keyhole-v1 channel closed before the answer came')),
    });
  }

  next(match: (f: ServerFrame) => boolean): Promise<ServerFrame> {
    if (this.#closed) return Promise.reject(this.#closed);
    return new Promise((resolve, reject) => this.#waiters.push({ match, resolve, reject }));
  }

  #fail(err: Error): void {
    this.#closed ??= err; // an invalid frame, then the close it causes: the first says why
    for (const w of this.#waiters.splice(0)) w.reject(this.#closed);
  }
}

/** Figure 3 for one server. */
export async function figureCommands(target: Target, ctx: FigureContext): Promise<Figures> {
  const exec = await execCommands(target, ctx, ctx.plan.commands);
  return {
    'cmds-exec': exec.rate,
    'cpu-command': exec.cpuMs,
    'cmds-protocol': await protocolCommandsPerSecond(target, ctx, ctx.plan.commands),
  };
}
