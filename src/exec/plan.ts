// What to spawn for a request: the confinement helper with the command's plan, or (confinement off or not built) the
// program itself (switched to uid/gid by Node) or setpriv switching to them and keeping one capability, and the probe
// that says whether this machine lets setpriv keep it.
import { spawnSync } from 'node:child_process';
import { basename } from 'node:path';
import { confineArgs } from './confine.ts';
import type { RunRequest } from './request.ts';

export interface LaunchPlan {
  readonly file: string;
  readonly args: readonly string[];
  readonly argv0: string;
  readonly ids: { uid?: number; gid?: number };
}

// What to spawn: the program itself (switched to uid/gid by Node), or setpriv switching and keeping one capability.
export function launchOf(req: RunRequest): LaunchPlan {
  if (req.confine !== undefined) {
    const who = { uid: req.uid, gid: req.gid, keepReadSearch: req.readSearchVia !== undefined };
    const args = confineArgs(req.confine, who, req.program, basename(req.program), req.args);
    return { file: req.confine.helper, args, argv0: 'keyhole-confine', ids: {} };
  }
  if (req.readSearchVia === undefined || req.uid === undefined || req.gid === undefined) {
    const ids = {
      ...(req.uid === undefined ? {} : { uid: req.uid }),
      ...(req.gid === undefined ? {} : { gid: req.gid }),
    };
    return { file: req.program, args: req.args, argv0: basename(req.program), ids };
  }
  const args = [...readSearchArgs(req.uid, req.gid), req.program, ...req.args];
  return { file: req.readSearchVia, args, argv0: 'setpriv', ids: {} };
}

// setpriv's options up to `--`: switch to uid/gid and keep CAP_DAC_READ_SEARCH alone. Inheritable + ambient keep it
// across setpriv's exec of the program (and of what that runs); the bounding set drops every other capability for
// good, so nothing below can regain one from a setuid binary.
export function readSearchArgs(uid: number, gid: number): string[] {
  const keep = '-all,+dac_read_search';
  return [
    `--reuid=${uid}`,
    `--regid=${gid}`,
    '--clear-groups',
    `--inh-caps=${keep}`,
    `--ambient-caps=${keep}`,
    `--bounding-set=${keep}`,
    '--',
  ];
}

/**
 * True when this setpriv can switch to uid/gid keeping CAP_DAC_READ_SEARCH here: a container may withhold the
 * capability (Docker's default set does), and then every command would fail. Runs setpriv once, on itself.
 */
export function canKeepReadSearch(setpriv: string, uid: number, gid: number): boolean {
  const probe = spawnSync(setpriv, [...readSearchArgs(uid, gid), setpriv, '--version'], {
    stdio: 'ignore',
    timeout: 5000,
    env: {},
  });
  return probe.status === 0;
}
