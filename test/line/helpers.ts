// Test helpers for the line editor: a small terminal that shows what the user would see, and an editor wired to it.
import type { ExecutionContext } from 'ava';
import { LineEditor, type EditorEvent, type LineEditorOptions } from '../../src/line/editor.ts';
import { charWidth } from '../../src/line/text.ts';

export const ESC = '\x1b';
export const LEFT = `${ESC}[D`;
export const RIGHT = `${ESC}[C`;
export const UP = `${ESC}[A`;
export const DOWN = `${ESC}[B`;
export const PASTE = (text: string) => `${ESC}[200~${text}${ESC}[201~`;

/** Just enough of a terminal to see what the user would see: it fails on any output the editor should not send. */
export class Screen {
  rows: string[][] = [[]];
  row = 0;
  col = 0;
  bells = 0;
  widest = 0;

  constructor(readonly columns: number) {}

  write(data: string): void {
    for (const [part, n, op] of data.matchAll(/\x1b\[(\d*)([A-Za-z])|[\s\S]/gu)) {
      if (op) this.control(op, Number(n || 1));
      else if (part === '\r') this.col = 0;
      else if (part === '\n') this.rows[++this.row] ??= [];
      else if (part === '\x07') this.bells++;
      else if (part < ' ' || part === '\x7f')
        throw new Error(`raw control sent to the terminal: ${JSON.stringify(part)}`);
      else this.put(part);
    }
  }

  private control(op: string, n: number): void {
    if (op === 'D') this.col = Math.max(0, this.col - n);
    else if (op === 'C') this.col += n;
    else if (op === 'K') this.line.length = Math.min(this.line.length, this.col);
    else if (op === 'H') [this.row, this.col] = [0, 0];
    else if (op === 'J') this.rows = [[]];
    else throw new Error(`unexpected sequence ESC[${n}${op}`);
  }

  private put(ch: string): void {
    const width = charWidth(ch);
    while (this.line.length < this.col) this.line.push(' ');
    this.line[this.col] = ch;
    if (width === 2) this.line[this.col + 1] = '';
    this.col += width;
    this.widest = Math.max(this.widest, this.col);
  }

  private get line(): string[] {
    return (this.rows[this.row] ??= []);
  }

  /** The row the cursor is on. */
  get text(): string {
    return this.line.join('');
  }

  get all(): string[] {
    return this.rows.map((row) => row.join(''));
  }
}

/** An editor wired to a screen, and a shell that shows the next prompt at once after each line (unless `manual`). */
export function setup(opts: Partial<LineEditorOptions> & { manual?: boolean } = {}) {
  const screen = new Screen(opts.columns ?? 80);
  const writes: string[] = [];
  const editor = new LineEditor(
    (data) => {
      writes.push(data);
      screen.write(data);
    },
    { prompt: '$ ', ...opts },
  );
  const events: EditorEvent[] = [];
  const collect = (got: EditorEvent[]): void => {
    events.push(...got);
    const ended = events.some((e) => e.type === 'eof');
    if (!opts.manual && !ended && editor.state.mode === 'waiting' && got.length > 0) collect(editor.prompt());
  };
  collect(editor.start());
  const type = (...chunks: Array<string | Buffer>): void => chunks.forEach((chunk) => collect(editor.feed(chunk)));
  const lines = (): string[] => events.flatMap((e) => (e.type === 'line' ? [e.line] : []));
  return { editor, screen, writes, events, type, lines };
}

/** The row shows the prompt and the line, with the cursor where the editor says it is. */
export function showsLine(t: ExecutionContext, s: ReturnType<typeof setup>, prompt = '$ '): void {
  const { line, cursor } = s.editor.state;
  t.is(s.screen.text, prompt + line);
  t.is(s.screen.col, width(prompt + line.slice(0, cursor)));
}

export const width = (text: string): number => Array.from(text).reduce((sum, ch) => sum + charWidth(ch), 0);
