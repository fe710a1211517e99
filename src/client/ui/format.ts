// Pure text for the terminal client: how a command, its output, its exit and a refusal read, in blessed's tag markup,
// with or without colour. Nothing here touches the terminal, so every choice can be tested as plain strings.
import type { RunOutcome } from '../session.ts';

export interface Theme {
  /** False with NO_COLOR: bold and inverse only, and stderr marked with a prefix instead of red. */
  readonly colour: boolean;
  /** False outside a UTF-8 locale: ASCII marks only. */
  readonly unicode: boolean;
}

export type Tone = 'ok' | 'fail' | 'stderr' | 'note' | 'bold' | 'prompt';

const COLOURS: Record<Tone, readonly string[]> = {
  ok: ['green-fg'],
  fail: ['bold', 'red-fg'],
  stderr: ['red-fg'],
  note: ['cyan-fg'],
  bold: ['bold'],
  prompt: ['cyan-fg'],
};
// Without colour only these tones keep an attribute: what matters most stays visible on a monochrome screen.
const PLAIN: Partial<Record<Tone, readonly string[]>> = { fail: ['bold'], bold: ['bold'] };

/** Marks that stderr lines start with when there is no colour to tell them apart. */
const STDERR_MARK = '! ';
const TAB_STOP = 8;

/** Picks the theme from the environment: NO_COLOR (any non-empty value) turns colour off, the locale picks glyphs. */
export function themeFromEnv(env: NodeJS.ProcessEnv): Theme {
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return { colour: !env.NO_COLOR, unicode: /utf-?8/i.test(locale) };
}

/** Escapes text so that blessed shows `{` and `}` literally instead of reading them as tags. */
export function escapeTags(text: string): string {
  return text.replace(/[{}]/g, (c) => (c === '{' ? '{open}' : '{close}'));
}

/** Wraps already-escaped text in the tags of a tone (nothing, or bold, without colour). */
export function paint(text: string, tone: Tone, theme: Theme): string {
  const tags = (theme.colour ? COLOURS[tone] : PLAIN[tone]) ?? [];
  if (text === '') return text;
  return `${tags.map((t) => `{${t}}`).join('')}${text}${[...tags]
    .reverse()
    .map((t) => `{/${t}}`)
    .join('')}`;
}

/**
 * Makes remote output safe to draw: escape sequences (colours, cursor moves, titles) are dropped so a command cannot
 * repaint the client, and other control characters become visible caret notation (`^H`). Newlines, carriage returns
 * and tabs stay: the output log gives them their meaning.
 */
export function sanitize(text: string): string {
  return text
    .replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '') // CSI: colours, cursor moves
    .replace(/\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?/g, '') // OSC: window titles, hyperlinks
    .replace(/\x1b[@-_]?/g, '')
    .replace(
      /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g,
      (c) => `^${String.fromCharCode(c.charCodeAt(0) ^ 0x40)}`,
    )
    .replace(/[\u0080-\u009f]/g, '?');
}

/** Replaces tabs by spaces up to the next tab stop, as a terminal shows them. */
export function expandTabs(line: string): string {
  if (!line.includes('\t')) return line;
  let out = '';
  for (const ch of line) out += ch === '\t' ? ' '.repeat(TAB_STOP - (out.length % TAB_STOP)) : ch;
  return out;
}

/** A duration as people read it: `840 ms`, `1.2 s`, `2m05s`. */
export function formatElapsed(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** The transcript line of a submitted command: the prompt, then the line as typed. */
export function commandLine(prompt: string, line: string, theme: Theme): string {
  return `${paint(escapeTags(prompt), 'prompt', theme)}${paint(escapeTags(line), 'bold', theme)}`;
}

/** One line of a command's output; stderr is red, or marked with `! ` without colour. */
export function outputLine(text: string, stream: 'stdout' | 'stderr', theme: Theme): string {
  const shown = escapeTags(expandTabs(text));
  if (stream === 'stdout') return shown;
  return theme.colour ? paint(shown, 'stderr', theme) : `${STDERR_MARK}${shown}`;
}

/** The line after a command's output: how it ended, its exit code and how long it took. */
export function exitLine(outcome: RunOutcome, theme: Theme): string {
  const ok = outcome.code === 0 && !outcome.canceled && !outcome.timedOut;
  const how = [
    outcome.canceled ? 'canceled' : undefined,
    outcome.timedOut ? 'timed out' : undefined,
    outcome.signal ? `killed by ${outcome.signal}` : undefined,
    `exit ${outcome.code}`,
    formatElapsed(outcome.durationMs),
    outcome.truncated ? 'output cut at the server limit' : undefined,
  ].filter((part): part is string => part !== undefined);
  return paint(`${mark(ok, theme)} ${how.join(sep(theme))}`, ok ? 'ok' : 'fail', theme);
}

/** The line for a command the server refused (denied 126, unknown 127) or the client would not send. */
export function refusalLine(what: string, message: string, theme: Theme, exitCode?: number): string {
  const code = exitCode === undefined ? '' : ` (${exitCode})`;
  return paint(`${mark(false, theme)} ${escapeTags(what)}${code}: ${escapeTags(message)}`, 'fail', theme);
}

/** A note from the client itself (completion lists, connection news), set apart from remote output. */
export function noteLine(text: string, theme: Theme): string {
  return paint(escapeTags(text), 'note', theme);
}

/** The refusal name for a protocol error code: `unknown_command` reads `unknown command`. */
export function refusalName(code: string): string {
  return code.replace(/_/g, ' ');
}

function mark(ok: boolean, theme: Theme): string {
  if (theme.unicode) return ok ? '✓' : '✗';
  return ok ? '[ok]' : '[x]';
}

function sep(theme: Theme): string {
  return theme.unicode ? ' · ' : ', ';
}
