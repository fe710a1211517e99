// The interactive shell on a pty: a line editor for input, each line evaluated in turn, Ctrl-C stopping the command
// that runs, and type-ahead kept until the prompt is back.
import { PassThrough } from 'node:stream';
import { allowedCommands } from './policy.ts';
import { builtinNames } from './builtins.ts';
import { evaluate } from './evaluate.ts';
import { LineEditor, type EditorEvent } from '../line/editor.ts';
import { readSecret } from './secret.ts';
import { currentRole, type ShellIO, type ShellContext } from './context.ts';
import { flushed, ttyOutput } from './tty-output.ts';

const CTRL_C = 0x03;
// Lines queued behind the running one before input pauses: the rest of a flood waits in the SSH window, not here.
const MAX_PENDING = 256;
// Keys fed to the editor at once: small enough that what they answer with is checked for backpressure often.
const SLICE_BYTES = 256;

export interface Terminal {
  /** The channel: keystrokes in, screen bytes out. */
  readonly channel: NodeJS.ReadWriteStream & { destroyed?: boolean; writable?: boolean };
  readonly columns: number;
}

export interface InteractiveShell {
  /** window-change from the client. */
  resize(columns: number): void;
  /** Resolves with the exit status when the user leaves (exit, logout, Ctrl-D). */
  readonly done: Promise<number>;
}

/** Starts the shell loop on a pty channel. */
export function startInteractiveShell(session: ShellContext, term: Terminal): InteractiveShell {
  const out = ttyOutput(term.channel);
  // While the editor takes a slice of keys, what it draws is gathered and written once: one SSH packet per slice, not
  // one per echo, cursor move or redraw (a flood of Tab Tab Ctrl-L made millions of tiny packets).
  let drawn: string[] | null = null;
  const write = (text: string) => (drawn ? void drawn.push(text) : void term.channel.write(text));
  const feedEditor = (data: Buffer): EditorEvent[] => {
    drawn = [];
    try {
      return editor.feed(data);
    } finally {
      const text = drawn.join('');
      drawn = null;
      if (text) write(text);
    }
  };
  const editor = new LineEditor(write, {
    prompt: promptFor(session),
    columns: term.columns,
    maxLineBytes: session.config().limits.maxLineBytes,
    complete: (line, cursor) => completeCommand(session, line, cursor),
  });
  let lastCode = 0;
  // stdin exists only once evaluate asks for it (a command marked interactive); other keys go to the editor.
  let running: { interrupt: AbortController; stdin: PassThrough | null } | null = null;
  let secret: ((data: Buffer) => void) | null = null;
  let closed = false;
  let finish!: (code: number) => void;
  const done = new Promise<number>((resolve) => (finish = resolve));
  const pending: EditorEvent[] = [];

  const io: ShellIO = {
    stdout: out,
    stderr: out,
    get stdin() {
      if (!running) return null;
      running.stdin ??= new PassThrough();
      return running.stdin;
    },
    flush: () => flushed(out),
    readSecret: (prompt) =>
      readSecret(write, prompt, (feed) => {
        secret = feed;
        return () => (secret = null);
      }),
  };

  const end = (code: number) => {
    closed = true;
    finish(code);
  };

  const runLine = async (line: string) => {
    running = { interrupt: new AbortController(), stdin: null };
    const result = await evaluate(line, session, io, running.interrupt.signal);
    running.stdin?.end();
    running = null;
    lastCode = result.code;
    if (result.exit) return end(result.code);
    editor.setPrompt(promptFor(session));
    // The editor kept what was typed while the command ran; prompt() replays it and returns the lines it completes.
    pending.push(...editor.prompt());
    drain();
    flow();
  };

  // Input is read only while fewer than MAX_PENDING lines wait and the client takes what the shell writes: echo, a
  // second Tab's list and Ctrl-L answer a key with more than it is, so a client that types without reading is held
  // by the SSH window (the channel paused), not by the server's memory.
  const channel = term.channel as Terminal['channel'] & { writableNeedDrain?: boolean };
  const flow = () => {
    if (closed) return;
    if (pending.length > MAX_PENDING || channel.writableNeedDrain || held.length > 0) channel.pause();
    else channel.resume();
  };

  // Lines run one at a time: a paste of several lines queues them behind the running one.
  const drain = () => {
    while (!closed && pending.length > 0) {
      const event = pending.shift()!;
      if (event.type === 'interrupt') running?.interrupt.abort();
      else if (running) return void pending.unshift(event);
      else if (event.type === 'eof') {
        write('logout\r\n');
        end(lastCode);
      } else if (event.type === 'line') void runLine(event.line);
    }
  };

  // Keys are taken a slice at a time and only while the client reads what they answer with (see flow): the rest of
  // a chunk waits here, at most one chunk of the channel.
  let held = Buffer.alloc(0);
  const pump = () => {
    while (!closed && held.length > 0 && !channel.writableNeedDrain) {
      const slice = held.subarray(0, SLICE_BYTES);
      held = held.subarray(slice.length);
      onKeys(slice);
    }
    flow();
  };
  const onKeys = (data: Buffer) => {
    if (secret) return secret(data);
    if (running?.stdin && !data.includes(CTRL_C)) return void running.stdin.write(data);
    pending.push(...feedEditor(data));
    drain();
  };

  channel.on('drain', pump);
  term.channel.on('data', (data: Buffer | string) => {
    if (closed) return;
    held = Buffer.concat([held, Buffer.isBuffer(data) ? data : Buffer.from(data)]);
    pump();
  });
  write(`Keyhole restricted shell. Type 'help' for the commands you may run.\r\n`);
  pending.push(...editor.start());
  drain();
  return { resize: (columns) => editor.setColumns(columns), done };
}

function promptFor(session: ShellContext): string {
  const admin = currentRole(session).admin;
  return `${session.user.name}@${session.hostname}${admin ? '#' : '$'} `;
}

// Completes the first word with the commands and builtins this user may run; later words are not completed (yet).
function completeCommand(session: ShellContext, line: string, cursor: number): string[] {
  const before = line.slice(0, cursor);
  if (/\s/.test(before.trimStart())) return [];
  const word = before.trimStart();
  const role = currentRole(session);
  const names = [
    ...allowedCommands({ user: session.user.name, role }, session.config().commands).map((c) => c.name),
    ...builtinNames(session),
  ];
  return [...new Set(names)].filter((n) => n.startsWith(word)).sort();
}
