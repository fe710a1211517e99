// Figures 1 and 2: a whole login (TCP, key exchange, key auth, exec `true`, close), one after another and 16 at once,
// with the OpenSSH client (pinned and default kex) and with the ssh2 load generator.
import type { KexChoice } from '../load/kex.ts';
import { sshOk } from '../load/openssh.ts';
import { loginOnce } from '../load/ssh2.ts';
import type { Figures } from '../report/metrics.ts';
import { elapsedMs, median, runPool } from '../stats.ts';
import type { Target } from '../targets/target.ts';
import type { FigureContext } from './context.ts';
import { cpuOf } from './cpu.ts';

type Login = () => Promise<void>;

export function opensshLogin(target: Target, ctx: FigureContext, kex: KexChoice): Login {
  return async () => void (await sshOk(target, ctx.work.clientKey, kex, 'true'));
}

function ssh2Login(target: Target, ctx: FigureContext): Login {
  return () => loginOnce(target, ctx.work.clientKey, 'true');
}

/** Milliseconds of each of `count` logins made one after another (after one unmeasured login). */
export async function roundTripTimes(login: Login, count: number): Promise<number[]> {
  await login();
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await login();
    times.push(elapsedMs(start));
  }
  return times;
}

/** Median milliseconds of `count` logins made one after another (after one unmeasured login). */
export async function roundTripMs(login: Login, count: number): Promise<number> {
  return median(await roundTripTimes(login, count));
}

/** Logins per second when `count` logins are made by `parallel` clients at once. */
export async function loginsPerSecond(login: Login, count: number, parallel: number): Promise<number> {
  await login();
  const start = performance.now();
  await runPool(count, parallel, login);
  return count / (elapsedMs(start) / 1000);
}

/** Figure 1 for one server: sequential round trips with each client. */
export async function figureRoundTrip(target: Target, ctx: FigureContext): Promise<Figures> {
  const n = ctx.plan.rttLogins;
  let rtt = 0;
  const cpu = await cpuOf(target, async () => void (rtt = await roundTripMs(opensshLogin(target, ctx, 'pinned'), n)));
  return {
    'rtt-openssh': rtt,
    'cpu-login': cpu / (n + 1), // roundTripMs logs in once more, unmeasured, before it times
    'rtt-ssh2': await roundTripMs(ssh2Login(target, ctx), n),
    'rtt-openssh-default-kex': await roundTripMs(opensshLogin(target, ctx, 'default'), n),
  };
}

/** Figure 2 for one server: logins per second with the plan's parallel clients. */
export async function figureLoginRate(target: Target, ctx: FigureContext): Promise<Figures> {
  const { parallelLogins: n, parallelClients: p } = ctx.plan;
  return {
    'logins-openssh': await loginsPerSecond(opensshLogin(target, ctx, 'pinned'), n, p),
    'logins-ssh2': await loginsPerSecond(ssh2Login(target, ctx), n, p),
    'logins-openssh-default-kex': await loginsPerSecond(opensshLogin(target, ctx, 'default'), n, p),
  };
}
