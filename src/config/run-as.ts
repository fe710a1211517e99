// `runAs:` — which OS user commands run as. A server not started as root runs them as itself. A server started as root
// runs them as the configured unprivileged user, as root only when the config says `runAs: root`, and, when the config
// says nothing, as nobody keeping only the right to read (see `implicitRunAs`): never silently as root.
import { accessSync, constants, readFileSync } from 'node:fs';
import { canKeepReadSearch } from '../exec/plan.ts';
import type { RawConfig } from './schema.ts';
import type { ConfigProblem } from './types.ts';
import type { RunAs } from './types.ts';

type Problems = ConfigProblem[];

interface Account {
  readonly name: string;
  readonly id: number;
  readonly gid: number;
}

/** Resolves runAs against /etc/passwd and /etc/group (names or numbers). */
export function resolveRunAs(
  raw: RawConfig['runAs'],
  problems: Problems,
  uid = process.getuid?.() ?? -1,
): RunAs | null {
  const isRoot = uid === 0;
  if (raw === 'root' || (raw === undefined && !isRoot)) return null;
  if (raw === undefined) return implicitRunAs(problems);
  const spec = raw;
  const user = lookup(readTable('/etc/passwd'), spec.user);
  if (!user) {
    problems.push({
      path: ['runAs', 'user'],
      message: `no user '${spec.user}' in /etc/passwd: name an existing unprivileged user`,
    });
    return null;
  }
  if (user.id === 0) {
    problems.push({ path: ['runAs', 'user'], message: 'runAs names root: write `runAs: root` to mean it' });
    return null;
  }
  if (!isRoot && user.id !== uid) {
    problems.push({ path: ['runAs'], message: `running commands as '${user.name}' needs the server to run as root` });
    return null;
  }
  let gid = user.gid;
  if (spec.group !== undefined) {
    const group = lookup(readTable('/etc/group'), spec.group);
    if (!group) {
      problems.push({ path: ['runAs', 'group'], message: `no group '${spec.group}' in /etc/group` });
      return null;
    }
    gid = group.id;
  }
  return { user: user.name, uid: user.id, gid };
}

// Reads passwd/group lines: name:x:id:gid...; a missing file is an empty table.
function readTable(file: string): Account[] {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .map((line) => line.split(':'))
    .filter((f) => f.length >= 3 && /^\d+$/.test(f[2]!))
    .map((f) => ({ name: f[0]!, id: Number(f[2]), gid: Number(f[3] ?? f[2]) }));
}

function lookup(table: Account[], key: string | number): Account | undefined {
  return typeof key === 'number' || /^\d+$/.test(key)
    ? (table.find((a) => a.id === Number(key)) ?? { name: String(key), id: Number(key), gid: Number(key) })
    : table.find((a) => a.name === key);
}

/** Where util-linux's setpriv is looked for (Debian, Fedora, Alpine, Arch put it in one of these). */
const SETPRIV_PATHS = ['/usr/bin/setpriv', '/bin/setpriv', '/usr/sbin/setpriv', '/sbin/setpriv'];

/**
 * The runAs of a root server whose config names none. Configs in the documented shape have no runAs and keep their
 * files where root put them (often in private, root-only directories): running their commands as plain nobody would
 * break them, and running them as root would hand every allowed program root's power. So they run as nobody:nogroup
 * keeping one capability, CAP_DAC_READ_SEARCH, through setpriv: they can read what root can read (what they may read
 * is still decided by the policy's path rules), and they cannot write, own, signal or bind anything as root. Without
 * setpriv, or where the machine withholds that capability from root (a container may), they run as plain nobody. A
 * warning says so either way; `runAs:` in the config ends it. Probing setpriv runs it once per config load. With the
 * confinement helper built (config/confinement.ts), the helper makes the same switch itself (`--keep-read-search`
 * when readSearchVia is set, i.e. when this machine lets root keep the capability) and setpriv is not run.
 */
export function implicitRunAs(
  problems: Problems,
  setprivPaths = SETPRIV_PATHS,
  works = canKeepReadSearch,
): RunAs | null {
  const user = lookup(readTable('/etc/passwd'), 'nobody');
  if (!user || user.id === 0) {
    problems.push({
      path: ['runAs'],
      message:
        "the server runs as root, the config has no runAs and there is no user 'nobody': set runAs: { user: NAME }",
    });
    return null;
  }
  const groups = readTable('/etc/group');
  const group = lookup(groups, 'nogroup') ?? lookup(groups, 'nobody');
  const ids = { user: user.name, uid: user.id, gid: group?.id ?? user.gid };
  const setpriv = setprivPaths.find(isExecutable);
  return setpriv !== undefined && works(setpriv, ids.uid, ids.gid) ? { ...ids, readSearchVia: setpriv } : ids;
}

/** The warning for a root server running on the implicit runAs (null when the config chose for itself). */
export function implicitRunAsWarning(raw: RawConfig['runAs'], runAs: RunAs | null, uid = process.getuid?.() ?? -1) {
  if (uid !== 0 || raw !== undefined || runAs === null) return null;
  const how = runAs.readSearchVia
    ? 'keeping only the capability to read any file (CAP_DAC_READ_SEARCH), so root-only files under the allowed roots stay readable'
    : 'with no capability (setpriv is missing, or this machine withholds CAP_DAC_READ_SEARCH), so files only root can read are out of their reach';
  return `the server runs as root and the config has no runAs: commands run as ${runAs.user} (uid ${runAs.uid}, gid ${runAs.gid}), ${how}; set runAs: { user: NAME, group: GROUP } to choose, or runAs: root to mean root`;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
