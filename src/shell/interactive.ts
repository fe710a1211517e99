// The interactive shell on a pty: a line editor for input, each line evaluated in turn, Ctrl-C stopping the command
// that runs, and type-ahead kept until the prompt is back.
import { PassThrough } from 'node:stream';
import { allowedCommands } from './policy.ts';
import { builtinNames } from './builtins.ts';
import { evaluate } from './evaluate.ts';
import { LineEditor, type EditorEvent } from './line-editor.ts';
import { readSecret } from './secret.ts';
import { currentRole, type ShellIO, type ShellSession } from './session.ts';
import { flushed, ttyOutput } from './tty-output.ts';

const CTRL_C = 0x03;
const MAX_TYPE_AHEAD = 64 * 1024;

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
export function startInteractiveShell(session: ShellSession, term: Terminal): InteractiveShell {
  const out = ttyOutput(term.channel);
  const write = (text: string) => void term.channel.write(text);
  const editor = new LineEditor(write, {
    prompt: promptFor(session),
    columns: term.columns,
    maxLineBytes: session.config().limits.maxLineBytes,
    complete: (line, cursor) => completeCommand(session, line, cursor),
  });
  let lastCode = 0;
  let running: { interrupt: AbortController; stdin: PassThrough } | null = null;
  let secret: ((data: Buffer) => void) | null = null;
  let typeAhead: Buffer[] = [];
  let finish!: (code: number) => void;
  const done = new Promise<number>((resolve) => (finish = resolve));

  const io: ShellIO = {
    stdout: out,
    stderr: out,
    get stdin() {
      return running?.stdin ?? null;
    },
    flush: () => flushed(out),
    readSecret: (prompt) =>
      readSecret(write, prompt, (feed) => {
        secret = feed;
        return () => (secret = null);
      }),
  };

  const pending: EditorEvent[] = [];
  let closed = false;
  const end = (code: number) => {
    closed = true;
    finish(code);
  };

  const runLine = async (line: string) => {
    running = { interrupt: new AbortController(), stdin: new PassThrough() };
    const result = await evaluate(line, session, io, running.interrupt.signal);
    running.stdin.end();
    running = null;
    lastCode = result.code;
    if (result.exit) return end(result.code);
    editor.setPrompt(promptFor(session));
    editor.prompt();
    drain();
    const ahead = Buffer.concat(typeAhead);
    typeAhead = [];
    if (ahead.length > 0 && !running) onData(ahead);
  };

  // Lines are run one at a time: a paste of several lines queues them behind the running one.
  const drain = () => {
    while (!running && !closed && pending.length > 0) {
      const event = pending.shift()!;
      if (event.type === 'eof') {
        write('logout\r\n');
        end(lastCode);
      } else if (event.type === 'line') void runLine(event.line);
    }
  };

  const onData = (data: Buffer) => {
    if (closed) return;
    if (secret) return secret(data);
    if (running) {
      if (data.includes(CTRL_C)) running.interrupt.abort();
      else if (typeAhead.reduce((n, b) => n + b.length, 0) < MAX_TYPE_AHEAD) typeAhead.push(data);
      return;
    }
    pending.push(...editor.feed(data));
    drain();
  };

  term.channel.on('data', (data: Buffer) => onData(Buffer.isBuffer(data) ? data : Buffer.from(data)));
  write(`Keyhole restricted shell. Type 'help' for the commands you may run.\r\n`);
  editor.start();
  return { resize: (columns) => editor.setColumns(columns), done };
}

function promptFor(session: ShellSession): string {
  const admin = currentRole(session).admin;
  return `${session.user.name}@${session.hostname}${admin ? '#' : '$'} `;
}

// Completes the first word with the commands and builtins this user may run; later words are not completed (yet).
function completeCommand(session: ShellSession, line: string, cursor: number): string[] {
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
