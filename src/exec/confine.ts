// The confinement helper (src/native/confine.c) as the runner sees it: where it is, what this kernel lets it do, and
// the arguments that carry one command's plan (paths it may read, execute and write, network, rlimits, identity).
import { accessSync, constants } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Where `npm install` (scripts/build-native.mjs) puts the helper; the same path from src/exec/ and dist/exec/. */
export const HELPER_PATH = fileURLToPath(new URL('../../src/native/build/Release/keyhole-confine', import.meta.url));

/** What one command may reach, as the helper enforces it. */
export interface ConfinePlan {
  readonly helper: string;
  /** Read (files and directories beneath). */
  readonly read: readonly string[];
  /** Read and execute: the program, its loader and libraries. */
  readonly exec: readonly string[];
  /** Read and write (create, remove, truncate) beneath; never execute. */
  readonly write: readonly string[];
  readonly network: boolean;
  /** as, cpu, fsize, nofile, nproc: the helper's --rlimit names. */
  readonly rlimits: Readonly<Record<'as' | 'cpu' | 'fsize' | 'nofile' | 'nproc', number>>;
  /** Fail (126) instead of running without a Landlock domain. */
  readonly requireLandlock: boolean;
}

/** What this machine's helper and kernel can do: helper built or not, and the Landlock ABI (0: none). */
export interface HelperProbe {
  readonly helper: boolean;
  readonly landlockAbi: number;
  readonly reason?: string;
}

// Runs the helper once with --probe; a helper that is missing or broken is `helper: false` with the reason.
export function probeHelper(helper = HELPER_PATH): HelperProbe {
  try {
    accessSync(helper, constants.X_OK);
  } catch {
    return { helper: false, landlockAbi: 0, reason: `the confinement helper was not built (${helper} is missing)` };
  }
  const probe = spawnSync(helper, ['--probe'], { encoding: 'utf8', timeout: 5000, env: {} });
  const match = /^landlock (\d+) ?(.*)$/m.exec(probe.stdout ?? '');
  if (probe.status !== 0 || !match) {
    return { helper: false, landlockAbi: 0, reason: `the confinement helper ${helper} does not run` };
  }
  const landlockAbi = Number(match[1]);
  if (landlockAbi > 0) return { helper: true, landlockAbi };
  return { helper: true, landlockAbi: 0, reason: `this kernel has no Landlock (${match[2] || 'unknown reason'})` };
}

/** The helper's argv for one run: the plan, the identity, then `--` and the program with its arguments. */
export function confineArgs(
  plan: ConfinePlan,
  who: { uid?: number; gid?: number; keepReadSearch: boolean },
  program: string,
  argv0: string,
  args: readonly string[],
): string[] {
  const out: string[] = [];
  for (const p of plan.read) out.push('--ro', p);
  for (const p of plan.exec) out.push('--rx', p);
  for (const p of plan.write) out.push('--rw', p);
  if (!plan.network) out.push('--no-net');
  for (const [name, value] of Object.entries(plan.rlimits)) out.push('--rlimit', `${name}=${value}`);
  if (who.uid !== undefined && who.gid !== undefined) {
    out.push('--uid', String(who.uid), '--gid', String(who.gid));
    if (who.keepReadSearch) out.push('--keep-read-search');
  }
  if (plan.requireLandlock) out.push('--require-landlock');
  return [...out, '--argv0', argv0, '--', program, ...args];
}
