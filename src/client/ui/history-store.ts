// Command history kept per host, so Up recalls what was run on this server in earlier sessions: one file per
// user@host:port under $XDG_STATE_HOME/keyhole/history (default ~/.local/state), one line per entry, bounded.
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const HISTORY_SIZE = 1000;

export type Saved = { ok: true } | { ok: false; reason: string };

/** The history file for one login on one server. */
export function historyFile(
  target: { user: string; host: string; port: number },
  env: NodeJS.ProcessEnv = process.env,
  home = os.homedir(),
): string {
  const state =
    env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : path.join(home, '.local', 'state');
  // A host or user name never becomes a path: separators and controls are replaced.
  const name = `${target.user}@${target.host}:${target.port}`.replace(/[/\\\u0000-\u001f]/g, '_');
  return path.join(state, 'keyhole', 'history', name === '.' || name === '..' ? '_' : name);
}

/** The newest `size` entries of a history file, oldest first; none when it does not exist or cannot be read. */
export function loadHistory(file: string, size = HISTORY_SIZE): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  // Appends only ever add: the file is cut back to `size` when it has grown to twice that.
  if (lines.length > 2 * size) rewrite(file, lines.slice(-size));
  return lines.slice(-size);
}

/** Adds one entry. A line that starts with a space is not kept (as with bash's ignorespace): a way to keep one out. */
export function appendHistory(file: string, line: string): Saved {
  if (line.trim() === '' || line.startsWith(' ') || line.includes('\n')) return { ok: true };
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    appendFileSync(file, `${line}\n`, { mode: 0o600 });
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: `cannot save history to ${file}: ${(err as NodeJS.ErrnoException).code ?? err}` };
  }
}

function rewrite(file: string, lines: readonly string[]): void {
  try {
    writeFileSync(file, lines.map((l) => `${l}\n`).join(''), { mode: 0o600 });
  } catch {
    // Keeping the longer file is harmless: it is cut again on the next start.
  }
}
