// `confinement: required | auto | off`: whether each command runs in its own Landlock domain through the helper
// (src/native/confine.c), what this machine can do (probed once per load), the warning when that is less than full,
// and one command's plan for the helper: what it may read, execute and write, TCP, and its resource limits.
import { HELPER_PATH, probeHelper, type ConfinePlan, type HelperProbe } from '../exec/confine.ts';
import type { RawConfig } from './schema.ts';
import type { CommandSpec, ConfigProblem, ConfinementStatus } from './types.ts';

/** The Landlock ABI that enforces all Keyhole asks for: filesystem (1-3, 5), TCP (4), signal and socket scoping (6). */
export const FULL_LANDLOCK_ABI = 6;

/** What every command may read to start and run as a program: never /etc as a whole. */
export const SYSTEM_READ = [
  '/etc/ld.so.cache',
  '/etc/nsswitch.conf',
  '/etc/passwd',
  '/etc/group',
  '/etc/localtime',
  '/usr/share/zoneinfo',
  '/usr/lib/locale',
  '/usr/share/locale',
  '/run/utmp',
  '/proc',
];
/** Devices every command may read and write. */
export const SYSTEM_WRITE = ['/dev/null', '/dev/zero', '/dev/urandom'];

/** Decides the confinement of a config; `required` without a helper or without Landlock is a problem. */
export function resolveConfinement(
  mode: RawConfig['confinement'],
  problems: ConfigProblem[],
  probe: () => HelperProbe = probeHelper,
): ConfinementStatus {
  const wanted = mode ?? 'auto';
  if (wanted === 'off') return { mode: 'off', helper: null, landlockAbi: 0, reason: 'confinement: off' };
  const found = probe();
  const abi = found.landlockAbi;
  let reason = found.reason;
  if (reason === undefined && abi < FULL_LANDLOCK_ABI) {
    const missing = [abi < 4 ? 'TCP rules' : '', 'signal and abstract-socket scoping'].filter(Boolean).join(', ');
    reason = `this kernel has Landlock ABI ${abi}, without ${missing} (ABI ${FULL_LANDLOCK_ABI} has them)`;
  }
  if (wanted === 'required' && (!found.helper || abi === 0)) {
    problems.push({ path: ['confinement'], message: `confinement is required, but ${reason}` });
  }
  return { mode: wanted, helper: found.helper ? HELPER_PATH : null, landlockAbi: abi, ...(reason ? { reason } : {}) };
}

/** The start-up / check-config warning when commands run less confined than full (null when they do not). */
export function confinementWarning(status: ConfinementStatus): string | null {
  if (status.mode === 'off') return 'confinement: off: commands run without Landlock, no_new_privs or rlimits';
  if (status.helper === null) return `COMMANDS RUN UNCONFINED: ${status.reason}; run \`npm run install\` to build it`;
  if (status.landlockAbi === 0) {
    return `COMMANDS RUN WITHOUT LANDLOCK (${status.reason}): only no_new_privs, rlimits and the user switch apply`;
  }
  if (status.reason) return `commands run with weaker confinement: ${status.reason}`;
  return null;
}

/** The helper's plan for one run of `command`, or undefined when commands run unconfined. */
export function confinePlanOf(
  status: ConfinementStatus,
  command: CommandSpec,
  timeoutMs: number,
): ConfinePlan | undefined {
  const c = command.confinement;
  if (status.helper === null || c === undefined) return undefined;
  const cpu = c.limits.cpuSeconds ?? (timeoutMs > 0 ? Math.ceil(timeoutMs / 1000) : 600);
  return {
    helper: status.helper,
    read: [...command.paths, ...SYSTEM_READ],
    exec: c.programFiles,
    write: [...c.writable, ...SYSTEM_WRITE],
    network: c.network,
    rlimits: {
      as: c.limits.addressSpaceBytes,
      cpu,
      fsize: c.limits.fileSizeBytes,
      nofile: c.limits.openFiles,
      nproc: c.limits.processes,
    },
    requireLandlock: status.mode === 'required',
  };
}

/** One line per aspect of what `command` may reach, for check-config and check-policy. */
export function describeConfinement(status: ConfinementStatus, command: CommandSpec, timeoutMs: number): string[] {
  const plan = confinePlanOf(status, command, timeoutMs);
  if (plan === undefined) return [`  unconfined (${status.reason ?? 'no helper'})`];
  const mib = (n: number) => `${Math.round(n / 1024 / 1024)} MiB`;
  const r = plan.rlimits;
  return [
    `  read:  ${[...command.paths].join(' ') || '(no roots)'} + system files`,
    `  write: ${command.confinement?.writable.join(' ') || '(nothing)'}`,
    `  exec:  ${plan.exec.join(' ')}`,
    `  network: ${plan.network ? 'TCP allowed' : 'no TCP'}; limits: address space ${mib(r.as)}, cpu ${r.cpu} s, file size ${mib(r.fsize)}, ${r.nofile} open files, ${r.nproc} processes`,
  ];
}
