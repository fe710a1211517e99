// Figure 4: streaming throughput, `cat` of the data file to a reader that discards it. The OpenSSH figure takes the
// time of a bare `ssh true` (login and teardown) off the time of `ssh cat`, so that it measures the stream alone.
import { runSsh, sshOk } from '../load/openssh.ts';
import { closeClient, connectClient, execOk } from '../load/ssh2.ts';
import { OPENSSH_RUNS } from '../load/transport.ts';
import type { Figures } from '../report/metrics.ts';
import { elapsedMs, median } from '../stats.ts';
import type { Target } from '../targets/target.ts';
import type { FigureContext } from './context.ts';
import { cpuOf } from './cpu.ts';

const MB = 1_000_000;

/**
 * MB/s of `ssh HOST cat FILE > /dev/null`, less the cost of a login, with the OpenSSH client run as `profile` says;
 * and the server CPU milliseconds per MiB of the whole `ssh cat` (login included, a small part of it).
 */
export async function opensshStream(
  target: Target,
  ctx: FigureContext,
  profile: keyof typeof OPENSSH_RUNS,
): Promise<{ mbps: number; cpuMsPerMiB: number }> {
  const { clientKey, dataFile, dataBytes } = ctx.work;
  const { kex, extras } = OPENSSH_RUNS[profile];
  const logins: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    await sshOk(target, clientKey, kex, 'true', extras);
    logins.push(elapsedMs(start));
  }
  const start = performance.now();
  let code: number | null = null;
  let stderr = '';
  const cpu = await cpuOf(target, async () => {
    ({ code, stderr } = await runSsh(target, clientKey, kex, `cat ${dataFile}`, extras));
  });
  const total = elapsedMs(start);
  if (code !== 0) throw new Error(`${target.name}: ssh cat exited ${code}: ${stderr.trim()}`);
  const streamMs = Math.max(total - median(logins), total / 2);
  return { mbps: dataBytes / MB / (streamMs / 1000), cpuMsPerMiB: cpu / (dataBytes / 1024 / 1024) };
}

/**
 * MB/s of `cat FILE` on an open ssh2 connection, from the exec request to the channel's close (bytes are checked),
 * and the server CPU milliseconds per MiB that cost (cat's own included).
 */
export async function ssh2Stream(target: Target, ctx: FigureContext): Promise<{ mbps: number; cpuMsPerMiB: number }> {
  const { clientKey, dataFile, dataBytes } = ctx.work;
  const client = await connectClient(target, clientKey);
  try {
    const start = performance.now();
    let bytes = 0;
    const cpu = await cpuOf(target, async () => void (bytes = (await execOk(client, `cat ${dataFile}`, target)).bytes));
    const ms = elapsedMs(start);
    if (bytes !== dataBytes) throw new Error(`${target.name}: cat delivered ${bytes} of ${dataBytes} bytes`);
    return { mbps: dataBytes / MB / (ms / 1000), cpuMsPerMiB: cpu / (dataBytes / 1024 / 1024) };
  } finally {
    await closeClient(client);
  }
}

/** Figure 4 for one server. */
export async function figureStream(target: Target, ctx: FigureContext): Promise<Figures> {
  const openssh = await opensshStream(target, ctx, 'openssh');
  const aes = await opensshStream(target, ctx, 'openssh-aes128-gcm');
  const ssh2 = await ssh2Stream(target, ctx);
  return {
    'stream-openssh': openssh.mbps,
    'cpu-stream-openssh': openssh.cpuMsPerMiB,
    'stream-openssh-aes': aes.mbps,
    'stream-ssh2': ssh2.mbps,
    'cpu-stream': ssh2.cpuMsPerMiB,
  };
}
