// What a submitted line asks for: a command for the server (tokenized exactly as the server's shell would), or one of
// the client's own commands (help, exit, the admin views), or a refusal with the tokenizer's reason. Pure.
import { tokenize } from '../../line/tokenize.ts';

export type Action =
  | { type: 'none' }
  | { type: 'run'; argv: string[] }
  /** The line was not sent: the same reason the server's shell gives. */
  | { type: 'refuse'; reason: string }
  /** A client command used wrongly, or one that needs rights this login lacks. */
  | { type: 'usage'; message: string }
  | { type: 'quit' }
  | { type: 'help' }
  | { type: 'commands' }
  | { type: 'clear' }
  | { type: 'reconnect' }
  | { type: 'whoami' }
  | { type: 'sessions' }
  | { type: 'kill'; session: string }
  | { type: 'shutdown' };

export interface LineContext {
  readonly admin: boolean;
  /** Names of the commands the server lists for this user: these are sent even when they shadow a client word. */
  readonly commands: readonly string[];
}

const NEEDS_ADMIN = 'needs admin rights: log in as a user whose role has admin rights';

/** Decides what a submitted line does. */
export function parseLine(line: string, ctx: LineContext): Action {
  if (line.trim() === '') return { type: 'none' };
  if (line.trimStart().startsWith(':')) return colonCommand(line.trim().slice(1));
  const tokens = tokenize(line);
  if (!tokens.ok) return { type: 'refuse', reason: tokens.reason };
  const [name, ...args] = tokens.argv as [string, ...string[]];
  if (ctx.commands.includes(name)) return { type: 'run', argv: tokens.argv };
  return builtin(name, args, ctx) ?? { type: 'run', argv: tokens.argv };
}

// The shell's builtins, answered by the client the way the shell answers them.
function builtin(name: string, args: string[], ctx: LineContext): Action | undefined {
  const none = (action: Action): Action =>
    args.length === 0 ? action : { type: 'usage', message: `${name} takes no arguments` };
  switch (name) {
    case 'exit':
    case 'logout':
      return none({ type: 'quit' });
    case 'help':
      return none({ type: 'help' });
    case 'clear':
      return none({ type: 'clear' });
    case 'whoami':
      return none({ type: 'whoami' });
    case 'admin':
      return { type: 'usage', message: 'admin rights come from the role here: log in as an admin user' };
    case 'sessions':
    case 'show_clients':
      return ctx.admin ? none({ type: 'sessions' }) : { type: 'usage', message: `${name} ${NEEDS_ADMIN}` };
    case 'kill':
      if (!ctx.admin) return { type: 'usage', message: `kill ${NEEDS_ADMIN}` };
      return args.length === 1
        ? { type: 'kill', session: args[0]! }
        : { type: 'usage', message: 'usage: kill SESSION (the ids are in the sessions view, F2)' };
    case 'shutdown':
    case 'shutdown_server':
      return ctx.admin ? none({ type: 'shutdown' }) : { type: 'usage', message: `${name} ${NEEDS_ADMIN}` };
    default:
      return undefined;
  }
}

function colonCommand(text: string): Action {
  const [name = '', ...rest] = text.split(/\s+/);
  if (rest.length > 0) return { type: 'usage', message: `:${name} takes no arguments` };
  switch (name) {
    case 'q':
    case 'quit':
      return { type: 'quit' };
    case 'help':
      return { type: 'help' };
    case 'commands':
      return { type: 'commands' };
    case 'clear':
      return { type: 'clear' };
    case 'reconnect':
      return { type: 'reconnect' };
    case 'sessions':
      return { type: 'sessions' };
    default:
      return {
        type: 'usage',
        message: `unknown client command ':${name}': try :help, :commands, :sessions, :clear, :reconnect or :quit`,
      };
  }
}
