// What a submitted line asks for: a command for the server (tokenized exactly as the server's shell would), or one of
// the client's words (words.ts: help, exit, the admin views), or a refusal with the tokenizer's reason. Pure.
import { tokenize } from '../../line/tokenize.ts';
import { clientWord, isColon, WORDS, type ClientWord } from './words.ts';

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
  /** Ask for the admin password and elevate the session, as the shell's `admin` does. */
  | { type: 'admin' }
  | { type: 'sessions' }
  | { type: 'kill'; session: string }
  | { type: 'shutdown' };

export interface LineContext {
  readonly admin: boolean;
  /** Whether `admin` may give this login admin rights: refusals then say so. */
  readonly mayElevate?: boolean;
  /** Names of the commands the server lists for this user: these are sent even when they shadow a client word. */
  readonly commands: readonly string[];
}

const NEEDS_ADMIN = 'needs admin rights: log in as a user whose role has admin rights';
const NEEDS_ELEVATION = 'needs admin rights: type admin to get them with the admin password';
const KILL_USAGE = 'usage: kill SESSION (the ids are in the sessions view, F2)';

/** Decides what a submitted line does. */
export function parseLine(line: string, ctx: LineContext): Action {
  if (line.trim() === '') return { type: 'none' };
  if (line.trimStart().startsWith(':')) return colonCommand(line.trim().slice(1), ctx);
  const tokens = tokenize(line);
  if (!tokens.ok) return { type: 'refuse', reason: tokens.reason };
  const [name, ...args] = tokens.argv as [string, ...string[]];
  if (ctx.commands.includes(name)) return { type: 'run', argv: tokens.argv };
  // A quoted ':quit' is a word for the server: colon commands are only what a line starts with.
  const word = clientWord(name);
  return word && !isColon(word) ? answer(word, name, args, ctx) : { type: 'run', argv: tokens.argv };
}

// A client word typed as `typed` (the spelling used, for the messages) with its arguments.
function answer(word: ClientWord, typed: string, args: string[], ctx: LineContext): Action {
  const action = word.action;
  if (typeof action !== 'string') return { type: 'usage', message: action.refusal };
  // The shell's builtins are refused the way the shell refuses them; colon commands leave that to where they act.
  if (word.builtin && word.adminOnly && !ctx.admin) {
    return { type: 'usage', message: `${typed} ${ctx.mayElevate ? NEEDS_ELEVATION : NEEDS_ADMIN}` };
  }
  if (action === 'kill') {
    return args.length === 1 ? { type: 'kill', session: args[0]! } : { type: 'usage', message: KILL_USAGE };
  }
  return args.length === 0 ? { type: action } : { type: 'usage', message: `${typed} takes no arguments` };
}

// `:name`, split at spaces (no quoting: colon commands take no arguments).
function colonCommand(text: string, ctx: LineContext): Action {
  const [name = '', ...rest] = text.split(/\s+/);
  if (rest.length > 0) return { type: 'usage', message: `:${name} takes no arguments` };
  const word = clientWord(`:${name}`);
  if (word && isColon(word)) return answer(word, `:${name}`, [], ctx);
  const known = WORDS.filter(isColon).map((w) => w.word);
  const list = `${known.slice(0, -1).join(', ')} or ${known.at(-1)}`;
  return { type: 'usage', message: `unknown client command ':${name}': try ${list}` };
}
