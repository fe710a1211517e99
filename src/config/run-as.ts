// `runAs:` — which OS user commands run as. A server started as root runs them as the configured unprivileged user;
// a server not started as root runs them as itself. Root without runAs is reported by `rootWithoutRunAs` so the
// server can warn loudly (see the note there).
import { readFileSync } from 'node:fs';
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
  if (raw === 'root' || raw === undefined) return null;
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

/**
 * True when commands would run as root without the config saying `runAs: root`. The server then warns at start-up
 * and in check-config. It does not refuse: existing configs in the documented shape (no runAs) must keep working
 * when an operator starts Keyhole as root, and silently switching them to `nobody` would break their path roots.
 */
export function rootWithoutRunAs(raw: RawConfig['runAs'], uid = process.getuid?.() ?? -1): boolean {
  return uid === 0 && raw === undefined;
}
