// The shell's own commands: help, exit, whoami, admin, and the admin builtins sessions, kill and shutdown.
// They reach the live sessions only through SessionControl.
import { verifyPassword } from '../auth/password.ts';
import { refusalExitCode } from '../protocol/refusal.ts';
import { BUILTINS, builtinWord, wordsOf, type BuiltinName, type BuiltinWord } from '../line/builtins.ts';
import { allowedCommands, describeRule } from './policy.ts';
import { currentRole, type LineResult, type ShellIO, type ShellContext } from './context.ts';
import { formatSessionsTable } from './format.ts';
import { audited, killSession, listSessions, refuseUnlessAdmin, shutdownServer } from './admin.ts';

type Builtin = (args: readonly string[], session: ShellContext, io: ShellIO) => Promise<LineResult>;

const MAX_ADMIN_FAILURES = 3;

const say = (stream: NodeJS.WritableStream, text: string) => stream.write(`${text}\n`);
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
  const hash = session.config().adminPasswordHash;
  if (currentRole(session).admin) return (say(io.stdout, 'You already have admin rights.'), { code: 0 });
  if (!hash) return refuse(io, 'admin elevation is not enabled on this server (no adminPassword in the config)');
  if (!io.readSecret)
    return refuse(io, "admin needs an interactive session: connect with 'ssh -t' and run it there", 1);
  if (session.adminFailures >= MAX_ADMIN_FAILURES) return refuse(io, 'too many wrong admin passwords in this session');
  const secret = await io.readSecret('Admin password: ');
  if (secret === null) return refuse(io, 'admin elevation cancelled', 1);
  const ok = await verifyPassword(secret, hash);
  if (!ok) session.adminFailures++;
  if (await audited(session, 'elevate', ok)) {
    return refuse(io, 'the audit log cannot be written, so admin rights cannot be granted', 1);
  }
  if (!ok) return refuse(io, 'wrong admin password', 1);
  session.elevated = true;
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

const shutdown =
  (action: string): Builtin =>
  async (_args, session, io) => {
    const stopped = await shutdownServer(session, action);
    if (!stopped.ok) return refuse(io, stopped.reason);
    say(io.stdout, 'Keyhole is shutting down.');
    return { code: 0 };
  };

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
  const admin = currentRole(session).admin;
  const elevatable = Boolean(session.config().adminPasswordHash) && !admin;
  return BUILTINS.filter((b) => (b.adminOnly ? admin : b.name !== 'admin' || elevatable));
}

/** Builtin words offered to tab completion for this session, aliases included. */
export function builtinNames(session: ShellContext): string[] {
  return availableBuiltins(session).flatMap((b) => wordsOf(b));
}
