// Carries out one submitted line: echoes it into the transcript, then runs it on the server or does what the client
// command asks (help, whoami, admin, the sessions view, kill, shutdown, clear, reconnect, quit).
import type { RunStream } from '../session.ts';
import { parseLine, type Action } from './actions.ts';
import { helpLines } from './commands-text.ts';
import type { Connection } from './connection.ts';
import { RemoteError } from '../errors.ts';
import { askSecret, confirm, type DialogHost } from './dialog.ts';
import { commandLine, noteLine, refusalLine, type Theme } from './format.ts';
import type { OutputPane } from './output-pane.ts';
import { runCommand } from './runner.ts';
import type { SessionsView } from './sessions-view.ts';

export interface AppContext extends DialogHost {
  readonly theme: Theme;
  readonly pane: OutputPane;
  readonly connection: Connection;
  readonly sessions: SessionsView;
  /** `user@host:port`. */
  readonly label: string;
  prompt(): string;
  admin(): boolean;
  /** Whether `admin` may elevate this session (the server said so in its hello). */
  mayElevate(): boolean;
  /** The session was given admin rights: the prompt and the admin keys follow. */
  elevated(): void;
  quit(): void;
  togglePanel(): void;
  reconnect(): Promise<void>;
  /** After a reconnect: the login's role may differ. */
  identityChanged(): void;
  setLastExit(code: number): void;
  /** The running command (for Ctrl-C), or null once it has ended. */
  setRun(run: RunStream | null): void;
}

/** Echoes `line` and does what it says; resolves when that is done (a command has exited). */
export async function perform(ctx: AppContext, line: string): Promise<void> {
  const commands = ctx.connection.commands.map((c) => c.name);
  const action = parseLine(line, { admin: ctx.admin(), mayElevate: ctx.mayElevate(), commands });
  if (action.type === 'none') return;
  ctx.pane.toBottom();
  ctx.pane.add(commandLine(ctx.prompt(), line, ctx.theme));
  if (action.type === 'run') return run(ctx, action.argv);
  if (action.type === 'refuse') return void ctx.pane.add(refusalLine('not sent', action.reason, ctx.theme));
  if (action.type === 'usage') return void ctx.pane.add(refusalLine('not done', action.message, ctx.theme));
  return local(ctx, action);
}

async function run(ctx: AppContext, argv: string[]): Promise<void> {
  const client = ctx.connection.client;
  if (!client) {
    const message = 'the client is not connected: type :reconnect, or press Ctrl-D to quit';
    return void ctx.pane.add(refusalLine('not sent', message, ctx.theme));
  }
  ctx.connection.setRunning(true);
  try {
    const end = await runCommand(client, argv, ctx.pane, ctx.theme, (stream) => ctx.setRun(stream));
    if (end.code !== null) ctx.setLastExit(end.code);
  } finally {
    ctx.setRun(null);
    ctx.connection.setRunning(false);
  }
}

async function local(ctx: AppContext, action: Exclude<Action, { type: 'none' | 'run' | 'refuse' | 'usage' }>) {
  const note = (text: string) => ctx.pane.add(noteLine(text, ctx.theme));
  switch (action.type) {
    case 'quit':
      return ctx.quit();
    case 'help':
      return ctx.pane.add(...helpLines(ctx.connection.commands, ctx.admin(), ctx.theme, ctx.mayElevate()));
    case 'commands':
      return ctx.togglePanel();
    case 'clear':
      return ctx.pane.clear();
    case 'reconnect':
      return ctx.reconnect();
    case 'whoami':
      return note(whoami(ctx));
    case 'admin':
      return elevate(ctx);
    case 'sessions':
      if (!ctx.admin()) return note('the sessions view needs admin rights');
      return ctx.sessions.open();
    case 'kill':
    case 'shutdown':
      return admin(ctx, action);
  }
}

function whoami(ctx: AppContext): string {
  const hello = ctx.connection.client?.hello;
  if (!hello) return `not connected (${ctx.label})`;
  return `${hello.user} (role ${hello.role}${ctx.admin() ? ', admin' : ''}) on ${ctx.label}, session ${hello.session}`;
}

// `admin`, as the shell has it: the admin password in a dialog that shows nothing of it (and is not the input line,
// so it never reaches the history), checked by the server, which counts wrong ones and audits every attempt.
async function elevate(ctx: AppContext): Promise<void> {
  const client = ctx.connection.client;
  const refused = (what: string, message: string, code?: number) =>
    void ctx.pane.add(refusalLine(what, message, ctx.theme, code));
  if (!client) return refused('not sent', 'the client is not connected: type :reconnect, or press Ctrl-D to quit');
  if (ctx.admin()) return void ctx.pane.add(noteLine('You already have admin rights.', ctx.theme));
  if (client.hello.elevate === undefined) {
    return refused('not done', 'this server cannot elevate a keyhole-v1 session: use admin over ssh -t');
  }
  if (!ctx.mayElevate()) {
    const why = `role '${client.hello.role}' may not elevate on this server (or it has no admin password): ask an admin`;
    return refused('not done', why);
  }
  const password = await askSecret(ctx, 'Admin', 'Admin password:');
  if (password === null) return void ctx.pane.add(noteLine('admin elevation cancelled', ctx.theme));
  ctx.pane.add(noteLine('checking the admin password...', ctx.theme));
  try {
    await client.elevate(password);
  } catch (err) {
    if (!(err instanceof RemoteError)) return refused('failed', (err as Error).message);
    ctx.setLastExit(err.exitCode);
    return refused('refused', err.message);
  }
  ctx.elevated();
  ctx.setLastExit(0);
  ctx.pane.add(noteLine('Admin rights granted for this session.', ctx.theme));
}

async function admin(ctx: AppContext, action: { type: 'kill'; session: string } | { type: 'shutdown' }) {
  const client = ctx.connection.client;
  if (!client) return void ctx.pane.add(refusalLine('not sent', 'the client is not connected', ctx.theme));
  try {
    if (action.type === 'kill') {
      await client.kill(action.session);
      return void ctx.pane.add(noteLine(`ended session ${action.session}`, ctx.theme));
    }
    const question = `Shut the server down? Every session ends once running commands finish.`;
    if (!(await confirm(ctx, 'Shutdown', question))) return void ctx.pane.add(noteLine('not shut down', ctx.theme));
    await client.shutdown();
    ctx.pane.add(noteLine('the server is shutting down', ctx.theme));
  } catch (err) {
    ctx.pane.add(refusalLine('refused', (err as Error).message, ctx.theme));
  }
}
