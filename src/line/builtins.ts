// The shell's own words: one table of the builtins, from which the shell's dispatch, `help`, tab completion, the
// protocol's refusals, the config's reserved names and the terminal client's words are all derived. Pure data.

export type BuiltinName = 'help' | 'whoami' | 'exit' | 'admin' | 'sessions' | 'kill' | 'shutdown';

export interface BuiltinWord {
  readonly name: BuiltinName;
  /** Other names for the same builtin (`show_clients` for `sessions`, as the first release called it). */
  readonly aliases: readonly string[];
  /** Only sessions with admin rights (from the role, or after `admin`) may run it. */
  readonly adminOnly: boolean;
  /** How `help` shows it. */
  readonly usage: string;
  /** One line for help texts. */
  readonly summary: string;
  /** What a keyhole-v1 client does instead: the protocol has frames, not builtins. */
  readonly instead: string;
}

/** Every builtin, in the order `help` lists them. */
export const BUILTINS: readonly BuiltinWord[] = [
  {
    name: 'help',
    aliases: [],
    adminOnly: false,
    usage: 'help',
    summary: 'list the commands you may run',
    instead: 'send a list frame',
  },
  {
    name: 'whoami',
    aliases: [],
    adminOnly: false,
    usage: 'whoami',
    summary: 'your user, role and session id',
    instead: 'the hello frame names your user, role and session',
  },
  {
    name: 'exit',
    aliases: ['logout'],
    adminOnly: false,
    usage: 'exit',
    summary: 'end the session (exit N: with status N)',
    instead: 'end your input (EOF) to end the session',
  },
  {
    name: 'admin',
    aliases: [],
    adminOnly: false,
    usage: 'admin',
    summary: 'gain admin rights with the admin password',
    instead: 'send an elevate frame with the admin password',
  },
  {
    name: 'sessions',
    aliases: ['show_clients'],
    adminOnly: true,
    usage: 'sessions',
    summary: 'list the connected sessions',
    instead: 'send a sessions frame',
  },
  {
    name: 'kill',
    aliases: [],
    adminOnly: true,
    usage: 'kill <id>',
    summary: 'end a session and its commands',
    instead: 'send a kill frame',
  },
  {
    name: 'shutdown',
    aliases: ['shutdown_server'],
    adminOnly: true,
    usage: 'shutdown [now|-y]',
    summary: 'stop the server gracefully',
    instead: 'send a shutdown frame',
  },
];

const BY_WORD: ReadonlyMap<string, BuiltinWord> = new Map(
  BUILTINS.flatMap((b) => [b.name, ...b.aliases].map((word) => [word, b] as const)),
);

/** The builtin a word names (its name or an alias), if any. */
export function builtinWord(word: string): BuiltinWord | undefined {
  return BY_WORD.get(word);
}

/** Every word the builtins take, names and aliases: a configured command may not be called any of them. */
export const RESERVED_WORDS: readonly string[] = [...BY_WORD.keys()];

/** The words of a builtin, its name first. */
export function wordsOf(builtin: BuiltinWord): readonly string[] {
  return [builtin.name, ...builtin.aliases];
}
