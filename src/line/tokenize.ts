// Turns one command line into argv the way sh would split it, without ever expanding anything: text is either taken
// literally or refused with a reason that names the construct, so what runs is exactly what the user sees.

export type Tokenized = { ok: true; argv: string[] } | { ok: false; reason: string };

export interface TokenizeOptions {
  /** Longest accepted line, in UTF-8 bytes. */
  maxLineBytes?: number;
  /** Most words accepted, the command name included. */
  maxArgs?: number;
}

export const DEFAULT_MAX_LINE_BYTES = 8192;
export const DEFAULT_MAX_ARGS = 256;

const TAB = '\t';
const NO_SHELL = 'Keyhole runs one command per line, without a shell';
// Unquoted characters that would make sh chain, pipe, redirect or fork: refused rather than taken literally, since a
// user who typed them expected them to act.
const OPERATORS: Record<string, string> = {
  ';': NO_SHELL,
  '&': `command chaining and background jobs are not supported; ${NO_SHELL}`,
  '|': `pipes are not supported; ${NO_SHELL}`,
  '>': `redirection is not supported; ${NO_SHELL}`,
  '<': `redirection is not supported; ${NO_SHELL}`,
  '(': `subshells are not supported; ${NO_SHELL}`,
  ')': `subshells are not supported; ${NO_SHELL}`,
};
const DOUBLED = new Set(['&', '|', '>', '<']);
const DOLLAR = "'$' is not allowed: variables and $(...) are not expanded; use single quotes for a literal '$'";
const BACKTICK = "'`' is not allowed: command substitution is not supported; use single quotes for a literal '`'";
const WILDCARD = 'wildcards are not expanded; name the files, or quote it for a literal';
const CONTROL_NAMES: Record<number, string> = { 0: 'NUL', 9: 'TAB', 10: 'newline', 13: 'carriage return', 27: 'ESC' };
// Characters that a bare word may hold without quoting, chosen so no position in a word gives them a meaning.
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

interface Scan {
  readonly line: string;
  readonly maxArgs: number;
  readonly words: string[];
  /** The word being built, or null between words (so `''` can still make an empty word). */
  word: string | null;
  i: number;
}

/** Splits a command line into argv, or refuses it with a one-line reason that says what to do instead. */
export function tokenize(line: string, opts: TokenizeOptions = {}): Tokenized {
  const maxLineBytes = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const bytes = Buffer.byteLength(line, 'utf8');
  if (bytes > maxLineBytes)
    return refuse(`the line is ${bytes} bytes, more than the limit of ${maxLineBytes}: shorten it`);
  const control = firstControl(line, true);
  if (control !== -1) return refuse(controlReason(line.charCodeAt(control)));
  const scan: Scan = { line, maxArgs: opts.maxArgs ?? DEFAULT_MAX_ARGS, words: [], word: null, i: 0 };
  while (scan.i < line.length) {
    const problem = step(scan);
    if (problem !== undefined) return refuse(problem);
  }
  const problem = endWord(scan);
  return problem === undefined ? { ok: true, argv: scan.words } : refuse(problem);
}

/** Renders one argument so that `tokenize` reads it back exactly (for audit display and `help`). */
export function quoteArg(arg: string): string {
  if (SAFE_WORD.test(arg)) return arg;
  return `'${arg.replaceAll("'", "'\\''")}'`;
}

/** Index of the first control character (C0, DEL, C1) in text, or -1; shared with the policy's own argv check. */
export function findControlChar(text: string): number {
  return firstControl(text, false);
}

function firstControl(text: string, allowTab: boolean): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 9 && allowTab) continue;
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return i;
  }
  return -1;
}

// Consumes one unquoted character, or a whole escape or quoted part; returns a reason to refuse the line.
function step(scan: Scan): string | undefined {
  const c = scan.line.charAt(scan.i);
  if (c === ' ' || c === TAB) {
    scan.i++;
    return endWord(scan);
  }
  if (c === "'") return readSingle(scan);
  if (c === '"') return readDouble(scan);
  if (c === '\\') return readEscape(scan);
  const problem = unquotedReason(c, scan.word === null, scan.line.charAt(scan.i + 1));
  if (problem !== undefined) return problem;
  append(scan, c);
  scan.i++;
  return undefined;
}

function unquotedReason(c: string, wordStart: boolean, next: string): string | undefined {
  const operator = OPERATORS[c];
  if (operator !== undefined) return `'${DOUBLED.has(c) && next === c ? c + c : c}' is not allowed: ${operator}`;
  if (c === '$') return DOLLAR;
  if (c === '`') return BACKTICK;
  if (c === '*' || c === '?' || c === '[') return `'${c}' is not allowed: ${WILDCARD} '${c}'`;
  if (wordStart && c === '~') {
    return "'~' at the start of a word is not allowed: there is no home directory expansion; give the full path";
  }
  if (wordStart && c === '#') {
    return "'#' at the start of a word is not allowed: there are no comments; quote it for a literal '#'";
  }
  return undefined;
}

// A backslash outside quotes makes the next character literal, as in sh.
function readEscape(scan: Scan): string | undefined {
  const next = scan.line.charAt(scan.i + 1);
  if (next === '') return "a trailing '\\' escapes nothing: remove it, or write '\\\\' for a literal backslash";
  if (next === TAB) return controlReason(9);
  append(scan, next);
  scan.i += 2;
  return undefined;
}

// Single quotes: everything is literal up to the closing quote.
function readSingle(scan: Scan): string | undefined {
  const close = scan.line.indexOf("'", scan.i + 1);
  if (close === -1) return "unterminated single quote: close it with '";
  const text = scan.line.slice(scan.i + 1, close);
  if (text.includes(TAB)) return controlReason(9);
  append(scan, text);
  scan.i = close + 1;
  return undefined;
}

// Double quotes: literal except `\"` and `\\`; `$` and backticks are refused because sh would expand them here.
function readDouble(scan: Scan): string | undefined {
  const { line } = scan;
  let text = '';
  for (let j = scan.i + 1; j < line.length; j++) {
    const c = line.charAt(j);
    if (c === '"') {
      append(scan, text);
      scan.i = j + 1;
      return undefined;
    }
    if (c === '$') return DOLLAR;
    if (c === '`') return BACKTICK;
    if (c === TAB) return controlReason(9);
    const next = line.charAt(j + 1);
    if (c === '\\' && (next === '"' || next === '\\')) {
      text += next;
      j++;
    } else {
      text += c;
    }
  }
  return 'unterminated double quote: close it with "';
}

function append(scan: Scan, text: string): void {
  scan.word = (scan.word ?? '') + text;
}

function endWord(scan: Scan): string | undefined {
  if (scan.word === null) return undefined;
  if (scan.words.length >= scan.maxArgs) {
    return `more than ${scan.maxArgs} words on one line: split the work into several commands`;
  }
  scan.words.push(scan.word);
  scan.word = null;
  return undefined;
}

function controlReason(code: number): string {
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  const name = CONTROL_NAMES[code] ?? (code === 0x7f ? 'DEL' : undefined);
  const label = name === undefined ? `control character ${hex}` : `control character ${hex} (${name})`;
  if (code === 10 || code === 13) return `${label} is not allowed: ${NO_SHELL}`;
  if (code === 9) return `${label} is not allowed inside a word: arguments must be printable text`;
  return `${label} is not allowed: arguments must be printable text`;
}

function refuse(reason: string): Tokenized {
  return { ok: false, reason };
}
