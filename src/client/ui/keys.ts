// Blessed's key names translated to the line editor's (src/shell/line-editor-edit.ts), so the client edits a line
// exactly as the server's pty shell does: Emacs keys, word moves, Ctrl-U/K/W. Pure.

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

/** The line editor's name for an editing key, or undefined when the key does not edit. */
export function editKeyName(key: KeyEvent): string | undefined {
  return EDIT_KEYS[key.full];
}

/** The text a key types, or undefined for keys that do not type (controls, function keys, Alt-combinations). */
export function typedText(ch: string | undefined, key: KeyEvent): string | undefined {
  if (ch === undefined || ch === '' || key.ctrl || key.meta) return undefined;
  return /\p{Cc}/u.test(ch) ? undefined : ch;
}
