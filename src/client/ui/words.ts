// The terminal client's command words, in one table: the server shell's builtins (their names, aliases and admin
// rule come from src/line/builtins.ts) answered by the client the way the shell answers them, and the client's own
// words (clear, the colon commands). The parser (actions.ts), Tab (complete.ts) and help (commands-text.ts) derive
// from it. Pure data.
import { builtinWord, type BuiltinName, type BuiltinWord } from '../../line/builtins.ts';

/** What a word makes the client do; `kill` takes a session id, the others no arguments. */
export type WordAction =
  'quit' | 'help' | 'commands' | 'clear' | 'reconnect' | 'whoami' | 'admin' | 'sessions' | 'kill' | 'shutdown';

export interface ClientWord {
  /** What the user types: a builtin's name, `clear`, or a colon command such as `:quit`. */
  readonly word: string;
  /** Other spellings, understood and offered by Tab (`logout` for `exit`). */
  readonly aliases: readonly string[];
  /** Spellings understood but neither offered nor listed: the first release's names, abbreviations (`:q`). */
  readonly quiet: readonly string[];
  /** The server builtin it answers for; undefined for the client's own words. */
  readonly builtin?: BuiltinWord;
  /** Offered and listed to admins only. A builtin is refused here without admin rights, as the shell refuses it; the
   * client's own words check rights where they act (the sessions view). */
  readonly adminOnly: boolean;
  /** How help lists it, or null when help does not (it lists `help` and `sessions (F2)` already). */
  readonly usage: string | null;
  /** What it does, or the refusal the client gives instead (Tab does not offer a word that is only refused). */
  readonly action: WordAction | { readonly refusal: string };
}

type Details = Partial<Pick<ClientWord, 'quiet' | 'adminOnly' | 'usage'>> & Pick<ClientWord, 'action'>;

// A builtin as the client knows it: its words and admin rule from the server's table, with the client's answer.
function builtin(name: BuiltinName, details: Omit<Details, 'adminOnly'>): ClientWord {
  const b = builtinWord(name)!;
  const quiet = details.quiet ?? [];
  const aliases = b.aliases.filter((a) => !quiet.includes(a));
  return { word: name, aliases, quiet, builtin: b, adminOnly: b.adminOnly, usage: name, ...details };
}

// One of the client's own words.
function own(word: string, details: Details): ClientWord {
  return { word, aliases: [], quiet: [], adminOnly: false, usage: word, ...details };
}

/** Every client word, in the order help lists them; colon commands last. */
export const WORDS: readonly ClientWord[] = [
  builtin('help', { action: 'help' }),
  builtin('whoami', { action: 'whoami' }),
  own('clear', { action: 'clear' }),
  builtin('exit', { action: 'quit' }),
  builtin('admin', { action: 'admin' }),
  builtin('sessions', { action: 'sessions', usage: 'sessions (F2)', quiet: ['show_clients'] }),
  builtin('kill', { action: 'kill', usage: 'kill SESSION' }),
  builtin('shutdown', { action: 'shutdown', quiet: ['shutdown_server'] }),
  own(':help', { action: 'help', usage: null }),
  own(':commands', { action: 'commands' }),
  own(':sessions', { action: 'sessions', adminOnly: true, usage: null }),
  own(':clear', { action: 'clear' }),
  own(':reconnect', { action: 'reconnect' }),
  own(':quit', { action: 'quit', quiet: [':q'] }),
];

const BY_SPELLING: ReadonlyMap<string, ClientWord> = new Map(
  WORDS.flatMap((w) => [w.word, ...w.aliases, ...w.quiet].map((spelling) => [spelling, w] as const)),
);

/** The client word a spelling names (with its colon for colon commands), if any. */
export function clientWord(spelling: string): ClientWord | undefined {
  return BY_SPELLING.get(spelling);
}

/** A colon command: the client's own, never sent, read without the server's tokenizer. */
export function isColon(word: ClientWord): boolean {
  return word.word.startsWith(':');
}

/** The words this login sees in help and Tab: all of them for admins, else those that are not admin-only; `admin`
 * only to a login that may elevate (as the shell lists it). */
export function visibleWords(admin: boolean, mayElevate = false): ClientWord[] {
  return WORDS.filter((w) => (w.action === 'admin' ? mayElevate && !admin : admin || !w.adminOnly));
}
