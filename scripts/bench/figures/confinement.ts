// Figure 7, Keyhole only: what confinement costs. Two fresh Keyhole instances with the same config but for
// `confinement: off` and `confinement: auto` (each command through the keyhole-confine helper), each measured for the
// sequential round trip of figure 1 and the `true`/s over one connection of figure 3, and on ÷ off for both.
import type { Figures } from '../report/metrics.ts';
import { median, percentile } from '../stats.ts';
import type { Target } from '../targets/target.ts';
import { execCommands } from './commands.ts';
import type { Figure, FigureContext } from './context.ts';
import { opensshLogin, roundTripTimes } from './logins.ts';

/** Figure 7: sshd has no confinement to switch, so it gets a run with no figures. */
export const confinementFigure: Figure = {
  number: 7,
  async open(target, ctx) {
    if (target.name !== 'keyhole') return { round: async () => ({}), close: async () => {} };
    const off = await ctx.startServer('keyhole', 'confine-off', 'off');
    const on = await ctx.startServer('keyhole', 'confine-on', 'auto');
    const stop = () => Promise.all([off.stop(), on.stop()]).then(() => undefined);
    if (!/^auto, Landlock ABI [1-9]\d*, helper \//.test(on.confinement ?? '')) {
      await stop();
      throw new Error(
        `figure 7 needs confinement on, but Keyhole says: ${on.confinement}; build the helper with \`npm run install\``,
      );
    }
    ctx.progress(`figure 7: confinement ${on.confinement}`);
    let turn = 0;
    return {
      async round() {
        // The two instances take turns going first, as the servers do in the other figures.
        const order = turn++ % 2 === 0 ? [off, on] : [on, off];
        const measured = new Map<Target, Measured>();
        for (const instance of order) measured.set(instance, await measure(instance, ctx));
        return figuresOf(measured.get(off)!, measured.get(on)!);
      },
      close: stop,
    };
  },
};

interface Measured {
  readonly rttMedian: number;
  readonly rttP99: number;
  readonly commandsPerSecond: number;
}

// One instance: sequential OpenSSH logins running `true`, then `true` exec channels over one connection.
async function measure(target: Target, ctx: FigureContext): Promise<Measured> {
  const times = await roundTripTimes(opensshLogin(target, ctx, 'pinned'), ctx.plan.confinementLogins);
  const commands = await execCommands(target, ctx, ctx.plan.confinementCommands);
  return { rttMedian: median(times), rttP99: percentile(times, 99), commandsPerSecond: commands.rate };
}

function figuresOf(off: Measured, on: Measured): Figures {
  return {
    'confine-rtt-off': off.rttMedian,
    'confine-rtt-on': on.rttMedian,
    'confine-rtt-ratio': on.rttMedian / off.rttMedian,
    'confine-rtt-p99-off': off.rttP99,
    'confine-rtt-p99-on': on.rttP99,
    'confine-cmds-off': off.commandsPerSecond,
    'confine-cmds-on': on.commandsPerSecond,
    'confine-cmds-ratio': on.commandsPerSecond / off.commandsPerSecond,
  };
}
