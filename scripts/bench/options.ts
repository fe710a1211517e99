// The command line of `npm run bench` and how much work each figure does (the plan), for a full run or --quick.
import { parseArgs } from 'node:util';

export interface Plan {
  readonly rounds: number;
  /** Figure 1: sequential logins per round. */
  readonly rttLogins: number;
  /** Figure 2: clients logging in at once, and logins per round. */
  readonly parallelClients: number;
  readonly parallelLogins: number;
  /** Figure 3: commands per round over one connection. */
  readonly commands: number;
  /** Figure 4: size of the file `cat` streams. */
  readonly streamBytes: number;
  /** Figure 5: idle authenticated sessions held open. */
  readonly idleSessions: number;
  /** Figure 5: how long the server is left alone before its memory is read (lets sshd's children settle). */
  readonly settleMs: number;
  /** Figure 6: sessions running commands in the background, each pausing about this long between commands. */
  readonly loadSessions: number;
  readonly loadPauseMs: number;
  /** Figure 6: `echo` commands timed while the load runs. */
  readonly probes: number;
  /** Figure 7: sequential logins and `true` commands timed on Keyhole with confinement off and on. */
  readonly confinementLogins: number;
  readonly confinementCommands: number;
}

export interface BenchOptions {
  readonly quick: boolean;
  readonly plan: Plan;
  /** Whether to compare with sshd (it is skipped anyway when /usr/sbin/sshd is missing). */
  readonly sshd: boolean;
  /** Only these figures (1-7); all when empty. */
  readonly only: readonly number[];
  /** Where to write the Markdown report; null = do not write one (the default for --quick). */
  readonly markdown: string | null;
  /** When set, Keyhole runs under `node --cpu-prof` and leaves its profiles in this folder. */
  readonly profileDir: string | null;
}

const MiB = 1024 * 1024;

const FULL_PLAN: Plan = {
  rounds: 3,
  rttLogins: 10,
  parallelClients: 16,
  parallelLogins: 48,
  commands: 200,
  streamBytes: 256 * MiB,
  idleSessions: 500,
  settleMs: 1500,
  loadSessions: 200,
  loadPauseMs: 10_000,
  probes: 150,
  confinementLogins: 50,
  confinementCommands: 300,
};

export const QUICK_PLAN: Plan = {
  rounds: 1,
  rttLogins: 2,
  parallelClients: 4,
  parallelLogins: 8,
  commands: 10,
  streamBytes: 4 * MiB,
  idleSessions: 10,
  settleMs: 200,
  loadSessions: 10,
  loadPauseMs: 200,
  probes: 10,
  confinementLogins: 2,
  confinementCommands: 10,
};

export const DEFAULT_MARKDOWN = 'docs/BENCHMARKS.md';

export const USAGE = `usage: npm run bench -- [--quick] [--rounds N] [--no-sshd] [--only 1,2,...] [--markdown FILE | --no-markdown]
                        [--profile DIR]
  --quick        a tiny round (seconds), as CI runs it; writes no report unless --markdown is given
  --rounds N     rounds per figure (default ${FULL_PLAN.rounds}); each figure is the median of its rounds
  --no-sshd      measure Keyhole alone
  --only LIST    only these figures (1 round trip, 2 logins/s, 3 commands/s, 4 streaming, 5 memory, 6 echo latency,
                 7 cost of confinement: Keyhole with confinement off and on)
  --markdown F   write the report there (default ${DEFAULT_MARKDOWN} for a full run)
  --profile DIR  run Keyhole under node --cpu-prof, profiles written to DIR when it stops`;

export type ParsedOptions = { ok: true; options: BenchOptions } | { ok: false; reason: string };

/** Parses the bench's arguments; an unknown or malformed option is a reason, not an exception. */
export function parseBenchArgs(argv: readonly string[]): ParsedOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        quick: { type: 'boolean', default: false },
        rounds: { type: 'string' },
        'no-sshd': { type: 'boolean', default: false },
        only: { type: 'string' },
        markdown: { type: 'string' },
        'no-markdown': { type: 'boolean', default: false },
        profile: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
  if (values.help) return { ok: false, reason: 'help' };
  const base = values.quick ? QUICK_PLAN : FULL_PLAN;
  const rounds = values.rounds === undefined ? base.rounds : Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 50) {
    return { ok: false, reason: `--rounds must be an integer from 1 to 50, got '${values.rounds}'` };
  }
  const only = (values.only ?? '').split(',').filter(Boolean).map(Number);
  if (only.some((n) => !Number.isInteger(n) || n < 1 || n > 7)) {
    return { ok: false, reason: `--only takes figure numbers 1-7 separated by commas, got '${values.only}'` };
  }
  const markdown = values['no-markdown'] ? null : (values.markdown ?? (values.quick ? null : DEFAULT_MARKDOWN));
  return {
    ok: true,
    options: {
      quick: values.quick,
      plan: { ...base, rounds },
      sshd: !values['no-sshd'],
      only,
      markdown,
      profileDir: values.profile ?? null,
    },
  };
}
