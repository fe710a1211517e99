// What Tab may complete at the cursor, from what the server's `list` says this user may run: command names (and the
// client's words, words.ts) for the first word, then the command's permitted options and path roots.
import type { CommandInfo } from '../../protocol/frames.ts';
import { tokenize } from '../../line/tokenize.ts';
import { tokenStart } from '../../line/text.ts';
import { visibleWords } from './words.ts';

/** The client's words, always offered for the first word (admins get the session commands too, a login that may
 * elevate `admin`); not the quiet spellings, nor a word the client only refuses. */
export function ownWords(admin: boolean, mayElevate = false): string[] {
  return visibleWords(admin, mayElevate)
    .filter((w) => typeof w.action === 'string')
    .flatMap((w) => [w.word, ...w.aliases]);
}

/**
 * The candidates for the word that ends at `cursor`. The words before it are read with the server's tokenizer, so a
 * quoted argument counts as one word; a line the tokenizer refuses, or a word with quotes or escapes in it, gets none.
 */
export function candidatesAt(
  chars: readonly string[],
  cursor: number,
  commands: readonly CommandInfo[],
  admin: boolean,
  mayElevate = false,
): string[] {
  const start = tokenStart(chars, cursor);
  const word = chars.slice(start, cursor).join('');
  if (/['"\\]/.test(word)) return [];
  const before = tokenize(chars.slice(0, start).join(''));
  if (!before.ok) return [];
  const [name, ...args] = before.argv;
  if (name === undefined) return [...commands.map((c) => c.name), ...ownWords(admin, mayElevate)];
  const spec = commands.find((c) => c.name === name);
  if (spec === undefined || spec.args !== 'rules' || args.length >= spec.maxArgs) return [];
  // Options are offered until the first operand, as most programs read them; path roots always.
  const optionsDone = args.some((a) => !a.startsWith('-'));
  const flags = optionsDone ? [] : spec.flags.filter((f) => !args.includes(f));
  return [...flags, ...spec.paths.map((p) => (p.endsWith('/') ? p : `${p}/`))];
}
