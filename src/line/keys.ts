// Turns the bytes a client types into keys for the line editor. UTF-8 characters and escape sequences split across
// packets are held until they complete; unknown sequences are swallowed whole so they never reach the screen; CR, LF
// and CRLF are one Enter; bracketed paste (ESC[200~ ... ESC[201~) comes out as paste text with Enter at its newlines.
// No timers: a lone Escape waits for the next key (which it then swallows as Meta/Alt, as readline does).
import { StringDecoder } from 'node:string_decoder';

export type Key =
  /** A run of printable characters. */
  | { readonly type: 'text'; readonly text: string }
  /** Pasted text between newlines, raw: it may hold tabs and other control characters. */
  | { readonly type: 'paste'; readonly text: string }
  /** 'enter', 'tab', 'backspace', 'delete', 'left', 'right', 'word-left', 'word-right', 'home', 'end', 'up', 'down',
   * or 'ctrl-<letter>' for the other control characters. */
  | { readonly type: 'key'; readonly name: string };

type State = 'ground' | 'esc' | 'csi' | 'ss3' | 'paste';

const PASTE_END = '\x1b[201~';
/** Longer CSI parameter strings are not keys (and would let a client grow our buffer): they are swallowed. */
const MAX_PARAMS = 32;
const FINAL_KEYS = new Map([
  ['A', 'up'],
  ['B', 'down'],
  ['C', 'right'],
  ['D', 'left'],
  ['H', 'home'],
  ['F', 'end'],
]);
const TILDE_KEYS = new Map([
  ['1', 'home'],
  ['3', 'delete'],
  ['4', 'end'],
  ['7', 'home'],
  ['8', 'end'],
]);

const isControl = (ch: string): boolean => ch < ' ';

export class KeyDecoder {
  private readonly utf8 = new StringDecoder('utf8');
  private state: State = 'ground';
  /** CSI parameters read so far, or paste text not yet handed out. */
  private seq = '';
  private afterCR = false;
  private text = '';
  private keys: Key[] = [];

  /** Decodes one chunk of client input into the keys it completes. */
  push(data: string | Buffer): Key[] {
    for (const ch of this.utf8.write(typeof data === 'string' ? Buffer.from(data, 'utf8') : data)) this.step(ch);
    this.flushText();
    if (this.state === 'paste') this.flushPaste(false);
    const keys = this.keys;
    this.keys = [];
    return keys;
  }

  private step(ch: string): void {
    if (this.state === 'ground') this.ground(ch);
    else if (this.state === 'esc') this.escape(ch);
    else if (this.state === 'csi') this.csi(ch);
    else if (this.state === 'ss3') this.ss3(ch);
    else this.paste(ch);
  }

  private ground(ch: string): void {
    const skip = ch === '\n' && this.afterCR;
    this.afterCR = ch === '\r';
    if (skip) return;
    const code = ch.codePointAt(0) ?? 0;
    if (code >= 0x20 && code !== 0x7f && !(code >= 0x80 && code < 0xa0)) {
      this.text += ch;
      return;
    }
    this.flushText();
    if (ch === '\x1b') this.state = 'esc';
    else if (ch === '\r' || ch === '\n') this.key('enter');
    else if (ch === '\x7f' || ch === '\b') this.key('backspace');
    else if (ch === '\t') this.key('tab');
    else if (code < 0x20) this.key(`ctrl-${String.fromCharCode(code + 0x60)}`);
    // C1 controls (0x80-0x9f) are dropped.
  }

  private escape(ch: string): void {
    this.state = 'ground';
    if (ch === '[') [this.state, this.seq] = ['csi', ''];
    else if (ch === 'O') this.state = 'ss3';
    else if (ch === '\x1b') this.state = 'esc';
    else if (ch === 'b' || ch === 'f') this.key(ch === 'b' ? 'word-left' : 'word-right');
    else if (isControl(ch)) this.ground(ch); // a control key right after a lone Escape still counts
  }

  private csi(ch: string): void {
    const code = ch.codePointAt(0) ?? 0;
    if (code >= 0x20 && code <= 0x3f) {
      if (this.seq.length <= MAX_PARAMS) this.seq += ch;
      return;
    }
    this.state = 'ground';
    if (code >= 0x40 && code <= 0x7e) {
      if (this.seq.length <= MAX_PARAMS) this.csiKey(this.seq, ch);
    } else this.ground(ch); // not part of a sequence (a control key, or text after a broken one)
  }

  private csiKey(params: string, final: string): void {
    const [first = '', modifier = ''] = params.split(';');
    if (final === '~' && first === '200') [this.state, this.seq] = ['paste', ''];
    else if (final === '~') this.key(TILDE_KEYS.get(first));
    else if (first === '' || first === '1') {
      const name = FINAL_KEYS.get(final);
      // Ctrl (5) or Alt (3) with Left/Right moves by word, as in most shells.
      const byWord = (modifier === '5' || modifier === '3') && (name === 'left' || name === 'right');
      this.key(byWord ? `word-${name}` : name);
    }
  }

  private ss3(ch: string): void {
    this.state = 'ground';
    if (FINAL_KEYS.has(ch)) this.key(FINAL_KEYS.get(ch));
    else if (isControl(ch)) this.ground(ch);
  }

  private paste(ch: string): void {
    if (ch === '\x03') {
      // Ctrl-C always interrupts, even inside a paste that a broken client never ends.
      this.flushPaste(true);
      this.state = 'ground';
      this.ground(ch);
      return;
    }
    this.seq += ch;
    if (this.seq.endsWith(PASTE_END)) {
      this.seq = this.seq.slice(0, -PASTE_END.length);
      this.flushPaste(true);
      this.state = 'ground';
    }
  }

  // Hands out the paste text read so far, keeping back what may be the start of the end marker unless `all`.
  private flushPaste(all: boolean): void {
    let keep = all ? 0 : Math.min(PASTE_END.length - 1, this.seq.length);
    while (keep > 0 && !PASTE_END.startsWith(this.seq.slice(-keep))) keep--;
    const text = this.seq.slice(0, this.seq.length - keep);
    this.seq = this.seq.slice(this.seq.length - keep);
    let run = '';
    for (const ch of text) {
      const skip = ch === '\n' && this.afterCR;
      this.afterCR = ch === '\r';
      if (skip) continue;
      if (ch !== '\r' && ch !== '\n') run += ch;
      else {
        if (run) this.keys.push({ type: 'paste', text: run });
        run = '';
        this.keys.push({ type: 'key', name: 'enter' });
      }
    }
    if (run) this.keys.push({ type: 'paste', text: run });
  }

  private key(name: string | undefined): void {
    this.flushText();
    if (name) this.keys.push({ type: 'key', name });
  }

  private flushText(): void {
    if (this.text) this.keys.push({ type: 'text', text: this.text });
    this.text = '';
  }
}

/** Type-ahead kept while the editor waits, in characters; the rest is dropped. */
const MAX_TYPE_AHEAD = 65536;

/** Keys typed while the editor waits for a command to finish, bounded; a Ctrl-C throws away those before it. */
export class TypeAhead {
  private keys: Key[] = [];
  private size = 0;

  /** Keeps keys for later; returns how many Ctrl-Cs were among them (they are not kept). */
  add(keys: readonly Key[]): number {
    let interrupts = 0;
    for (const key of keys) {
      if (key.type === 'key' && key.name === 'ctrl-c') {
        [this.keys, this.size, interrupts] = [[], 0, interrupts + 1];
      } else if (this.size < MAX_TYPE_AHEAD) {
        this.keys.push(key);
        this.size += key.type === 'key' ? 1 : key.text.length;
      }
    }
    return interrupts;
  }

  /** The keys kept, which are then forgotten. */
  take(): Key[] {
    const keys = this.keys;
    [this.keys, this.size] = [[], 0];
    return keys;
  }
}
