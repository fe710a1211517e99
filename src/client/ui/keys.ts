// Blessed's key names translated to the line editor's canonical keys (src/line/keys.ts), so the client's input line
// and the server's pty shell drive one key dispatch (src/line/dispatch.ts): Emacs keys, word moves, Ctrl-U/K/W. Pure.
import type { Key } from '../../line/keys.ts';

/** What blessed reports for a key: `full` is like `C-a`, `M-b`, `S-tab`, `pageup`. */
export interface KeyEvent {
  readonly full: string;
  readonly name?: string;
  readonly ctrl?: boolean;
  readonly meta?: boolean;
}

const EDIT_KEYS: Readonly<Record<string, string>> = {
  left: 'left',
  right: 'right',
  home: 'home',
  end: 'end',
  backspace: 'backspace',
  'C-h': 'backspace',
  delete: 'delete',
  'C-a': 'ctrl-a',
  'C-e': 'ctrl-e',
  'C-b': 'ctrl-b',
  'C-f': 'ctrl-f',
  'C-u': 'ctrl-u',
  'C-k': 'ctrl-k',
  'C-w': 'ctrl-w',
  'M-backspace': 'ctrl-w',
  'M-b': 'word-left',
  'C-left': 'word-left',
  'M-left': 'word-left',
  'M-f': 'word-right',
  'C-right': 'word-right',
  'M-right': 'word-right',
};

// The other keys the dispatch knows: blessed reports Enter as 'enter' (CR) or 'linefeed' (LF). Ctrl-L is not here: the
// app takes it first and clears the transcript.
const LINE_KEYS: Readonly<Record<string, string>> = {
  ...EDIT_KEYS,
  enter: 'enter',
  linefeed: 'enter',
  tab: 'tab',
  up: 'up',
  down: 'down',
  'C-p': 'ctrl-p',
  'C-n': 'ctrl-n',
  'C-c': 'ctrl-c',
  'C-d': 'ctrl-d',
  'C-r': 'ctrl-r',
  'C-g': 'ctrl-g',
};

/** A key the dispatch has no name for: it does nothing, except end a Ctrl-R search (as any other key does). */
export const OTHER_KEY: Key = { type: 'key', name: 'other' };

/** The canonical key for a blessed keypress: a named key, the text it types, or OTHER_KEY. */
export function lineKey(ch: string | undefined, key: KeyEvent): Key {
  const name = LINE_KEYS[key.full];
  if (name !== undefined) return { type: 'key', name };
  const text = typedText(ch, key);
  return text === undefined ? OTHER_KEY : { type: 'text', text };
}

/** The line editor's name for an editing key, or undefined when the key does not edit. */
export function editKeyName(key: KeyEvent): string | undefined {
  return EDIT_KEYS[key.full];
}

/** The text a key types, or undefined for keys that do not type (controls, function keys, Alt-combinations). */
export function typedText(ch: string | undefined, key: KeyEvent): string | undefined {
  if (ch === undefined || ch === '' || key.ctrl || key.meta) return undefined;
  return /\p{Cc}/u.test(ch) ? undefined : ch;
}
