// The shell's own commands: help, exit, whoami, admin, and the admin builtins sessions, kill and shutdown.
// They reach the live sessions only through SessionControl.
import { refusalExitCode } from '../protocol/refusal.ts';
import { BUILTINS, builtinWord, wordsOf, type BuiltinName, type BuiltinWord } from '../line/builtins.ts';
import { allowedCommands, describeRule } from './policy.ts';
import { currentRole, type LineResult, type ShellIO, type ShellContext } from './context.ts';
import { formatSessionsTable } from './format.ts';
import { queueText } from './write.ts';
import { killSession, listSessions, refuseUnlessAdmin, shutdownServer } from './admin.ts';
import { elevate } from './elevate.ts';

type Builtin = (args: readonly string[], session: ShellContext, io: ShellIO) => Promise<LineResult>;

// Output goes out with backpressure: one write per builtin (queueText), evaluate() waits for the channel to drain
// before the next line is read, and a closed channel is not written to (a late write never calls back).
const say = (stream: NodeJS.WritableStream, text: string) => queueText(stream, `${text}\n`);
const refuse = (io: ShellIO, text: string, code = 126): LineResult => (say(io.stderr, `keyhole: ${text}`), { code });

const help: Builtin = async (_args, session, io) => {
  const role = currentRole(session);
  const config = session.config();
  const commands = allowedCommands({ user: session.user.name, role }, config.commands);
  const width = Math.max(8, ...commands.map((c) => c.name.length));
  say(io.stdout, 'Commands you may run:');
  for (const c of commands) say(io.stdout, `  ${c.name.padEnd(width)}  ${describeRule(c)}`);
  const own = availableBuiltins(session).map((b) => b.usage);
  say(io.stdout, `Keyhole builtins: ${own.join(', ')}`);
  return { code: 0 };
};

const exit: Builtin = async (args, _session, io) => {
  const code = args.length === 0 ? 0 : Number(args[0]);
  if (!Number.isInteger(code) || code < 0 || code > 255) return refuse(io, 'exit takes a status from 0 to 255', 2);
  return { code, exit: true };
};

const whoami: Builtin = async (_args, session, io) => {
  const role = currentRole(session);
  say(io.stdout, `${session.user.name} (role ${role.name}${role.admin ? ', admin' : ''}, session ${session.id})`);
  return { code: 0 };
};

const admin: Builtin = async (_args, session, io) => {
  if (currentRole(session).admin) return (say(io.stdout, 'You already have admin rights.'), { code: 0 });
  const elevated = await elevate(session, io.readSecret);
  if (!elevated.ok) return refuse(io, elevated.reason, elevated.status);
  say(io.stdout, 'Admin rights granted for this session.');
  return { code: 0 };
};

const sessions =
  (action: string): Builtin =>
  async (_args, session, io) => {
    const listed = await listSessions(session, action);
    if (!listed.ok) return refuse(io, listed.reason);
    say(io.stdout, formatSessionsTable(listed.value, new Date(), session.id));
    return { code: 0 };
  };

const kill: Builtin = async (args, session, io) => {
  const refused = await refuseUnlessAdmin(session, 'kill');
  if (refused) return refuse(io, refused.reason);
  if (args.length !== 1) return refuse(io, "usage: kill <session id> (see 'sessions')", 2);
  const killed = await killSession(session, args[0]!);
  if (!killed.ok) return refuse(io, killed.reason, refusalExitCode(killed.code));
  say(io.stdout, `Session ${args[0]} ended.`);
  return { code: 0 };
};

// On a pty, as shutdown(8) and rm -i do for a person at a terminal, plain `shutdown` asks first: it ends every
// session. `now` or `-y` skip the question; without a pty (exec, scripts) there is no one to ask, so it runs as before.
const shutdown =
  (action: string): Builtin =>
  async (args, session, io) => {
    const refused = await refuseUnlessAdmin(session, action);
    if (refused) return refuse(io, refused.reason);
    if (args.length > 1 || (args.length === 1 && args[0] !== 'now' && args[0] !== '-y')) {
      return refuse(io, 'usage: shutdown [now|-y] (now or -y: do not ask for confirmation on a terminal)', 2);
    }
    if (args.length === 0 && io.readSecret && !(await confirmShutdown(session, io.readSecret))) {
      say(io.stdout, 'Keyhole was not shut down.');
      return { code: 1 };
    }
    const stopped = await shutdownServer(session, action);
    if (!stopped.ok) return refuse(io, stopped.reason);
    say(io.stdout, 'Keyhole is shutting down.');
    return { code: 0 };
  };

// Asks the person at the pty (the answer is not echoed); only y or yes confirms, Enter or Ctrl-C does not.
async function confirmShutdown(session: ShellContext, ask: NonNullable<ShellIO['readSecret']>): Promise<boolean> {
  const count = session.control.list().length;
  const answer = await ask(`shut the server down, ending ${count} session${count === 1 ? '' : 's'}? [y/N] `);
  return answer !== null && /^y(es)?$/i.test(answer.trim());
}

// What each builtin of the one table (line/builtins.ts) does; the type makes sure none is left without one.
const ACTIONS: Readonly<Record<BuiltinName, (word: string) => Builtin>> = {
  help: () => help,
  whoami: () => whoami,
  exit: () => exit,
  admin: () => admin,
  sessions: (word) => sessions(word),
  kill: () => kill,
  shutdown: (word) => shutdown(word),
};

/** The builtin for argv[0], if it is one (a configured command may never take a builtin's name). */
export function findBuiltin(name: string): Builtin | undefined {
  const word = builtinWord(name);
  return word && ACTIONS[word.name](name);
}

/** The builtins this session may use now, in `help`'s order: admin ones with admin rights, `admin` to get them. */
export function availableBuiltins(session: ShellContext): BuiltinWord[] {
  const { admin, elevate: mayElevate } = currentRole(session);
  const elevatable = Boolean(session.config().adminPasswordHash) && !admin && mayElevate;
  return BUILTINS.filter((b) => (b.adminOnly ? admin : b.name !== 'admin' || elevatable));
}

/** Builtin words offered to tab completion for this session, aliases included. */
export function builtinNames(session: ShellContext): string[] {
  return availableBuiltins(session).flatMap((b) => wordsOf(b));
}
