// Drives a program in a real terminal: a tmux session on a private socket, keys sent with `send-keys`, the screen read
// with `capture-pane`. Waits poll the screen until the text appears (the screen has no events to wait on) and fail
// with the screen's contents after a generous deadline; nothing ever sleeps for a fixed time.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** One tmux server per test process, on a socket of its own, so tests never touch the user's own tmux. */
const SOCKET_DIR = mkdtempSync(path.join(tmpdir(), 'keyhole-tmux-'));
export const SOCKET = path.join(SOCKET_DIR, 'socket');
const POLL_MS = 50;
const DEADLINE_MS = 30_000;

let next = 0;

/**
 * Runs `work` when one of `slots` is free. Each terminal starts a Node process that loads the whole client; on a small
 * machine a dozen starting at once take longer than the tests' deadlines, a few at a time do not.
 */
export function limit(slots: number): <T>(work: () => Promise<T>) => Promise<T> {
  let free = slots;
  const waiting: (() => void)[] = [];
  return async (work) => {
    if (free === 0) await new Promise<void>((resolve) => waiting.push(resolve));
    else free--;
    try {
      return await work();
    } finally {
      const nextUp = waiting.shift();
      if (nextUp) nextUp();
      else free++;
    }
  };
}

/** Runs `tmux -S SOCKET args...` and gives its stdout. */
export async function tmux(...args: string[]): Promise<string> {
  const { stdout } = await run('tmux', ['-u', '-S', SOCKET, ...args]);
  return stdout;
}

/** Quotes a word for sh. */
export function sh(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/** One terminal running one program. */
export class Terminal {
  readonly name = `t${++next}`;

  private constructor(readonly width: number) {}

  /**
   * Starts `argv` (with `env` added) in a new terminal of `width` x `height`. When it ends, the shell prints
   * `[exited CODE]` and the terminal's line settings, and the pane stays open to be read.
   */
  static async start(argv: string[], env: Record<string, string>, width = 100, height = 30): Promise<Terminal> {
    const terminal = new Terminal(width);
    const vars = Object.entries(env).map(([k, v]) => `${k}=${sh(v)}`);
    const program = ['env', ...vars, ...argv.map(sh)].join(' ');
    const after = `echo "[exited $?]"; stty -a | tr ' ;' '\\n\\n' | grep -E '^-?(icanon|echo)$' | tr '\\n' ' '; echo; exec sleep 600`;
    await tmux(
      'new-session',
      '-d',
      '-s',
      terminal.name,
      '-x',
      String(width),
      '-y',
      String(height),
      `${program}; ${after}`,
    );
    return terminal;
  }

  /** Sends keys in tmux's names (`Enter`, `C-c`, `F2`, `PageUp`) or as literal text with `{ text }`. */
  async keys(...keys: (string | { text: string })[]): Promise<void> {
    for (const key of keys) {
      if (typeof key === 'string') await tmux('send-keys', '-t', this.name, key);
      else await tmux('send-keys', '-t', this.name, '-l', key.text);
    }
  }

  /** Types a line and presses Enter. */
  async line(text: string): Promise<void> {
    await this.keys({ text }, 'Enter');
  }

  /** The screen as text, or with its colour and attribute escapes (`-e`). */
  async screen(escapes = false): Promise<string> {
    return tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', this.name);
  }

  /** Resolves with the screen once `pattern` shows on it. */
  async waitFor(pattern: RegExp, escapes = false): Promise<string> {
    const deadline = Date.now() + DEADLINE_MS;
    for (;;) {
      const screen = await this.screen(escapes);
      if (pattern.test(screen)) return screen;
      if (Date.now() > deadline)
        throw new Error(`${pattern} did not show in ${DEADLINE_MS} ms; the screen:\n${screen}`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  /** A tmux format about this pane, such as `#{alternate_on}`. */
  async display(format: string): Promise<string> {
    return (await tmux('display-message', '-p', '-t', this.name, format)).trim();
  }

  async resize(width: number, height: number): Promise<void> {
    await tmux('resize-window', '-t', this.name, '-x', String(width), '-y', String(height));
  }

  async close(): Promise<void> {
    await tmux('kill-session', '-t', this.name).catch(() => undefined);
  }
}

/** Ends this process's tmux server and every terminal in it, and removes its socket. */
export async function closeTmux(): Promise<void> {
  await tmux('kill-server').catch(() => undefined);
  rmSync(SOCKET_DIR, { recursive: true, force: true });
}
