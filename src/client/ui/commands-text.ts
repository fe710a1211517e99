// What the user may run, as text: the side panel (narrow: one command and its rule per block; wide: a table of names
// and rules) with its label, and the `help` output in the transcript (one line per command, as the server's shell
// prints it). Pure, in blessed markup.
import type { CommandInfo } from '../../protocol/frames.ts';
import { escapeTags, noteLine, paint, type Theme } from './format.ts';
import { isColon, visibleWords } from './words.ts';

/** At this many columns inside the panel and more, each command's rule goes beside its name. */
export const PANEL_TABLE_WIDTH = 60;
/** The widest name column of the table; a longer name has its rule under it. */
const NAME_COLUMN_MAX = 20;

/**
 * The side panel, `width` columns wide: each command in bold with its rule wrapped under it, indented; or, when wide
 * enough, a table with the rules wrapped beside the names.
 */
export function panelLines(commands: readonly CommandInfo[], width: number, theme: Theme): string[] {
  if (commands.length === 0) return [noteLine('no commands are allowed for this user', theme)];
  const names = Math.min(NAME_COLUMN_MAX, Math.max(...commands.map((c) => c.name.length)));
  const indent = width >= PANEL_TABLE_WIDTH ? names + 2 : 2;
  const lines: string[] = [];
  for (const c of commands) {
    const rule = wrap(c.rule, Math.max(8, width - indent)).map((part) => `${' '.repeat(indent)}${escapeTags(part)}`);
    const name = paint(escapeTags(c.name), 'bold', theme);
    if (indent > 2 && c.name.length <= names) {
      lines.push(`${name}${' '.repeat(indent - c.name.length)}${rule[0]!.slice(indent)}`, ...rule.slice(1));
    } else lines.push(name, ...rule);
  }
  return lines;
}

/** Which lines of the panel show: the first and last (from 1), and how many there are. */
export interface PanelView {
  readonly first: number;
  readonly last: number;
  readonly total: number;
}

/** The panel's label, at most `room` columns: which lines show when they do not all fit, and the keys to scroll. */
export function panelLabel(view: PanelView, room: number): string {
  if (view.total <= view.last - view.first + 1) return ' Commands (F1) ';
  const range = `${view.first}-${view.last} of ${view.total}`;
  const forms = [
    ` Commands (F1) ${range}, PgUp/PgDn `,
    ` Commands (F1) ${range} `,
    ` Commands ${range} `,
    ` ${range} `,
  ];
  return forms.find((f) => f.length <= room) ?? forms.at(-1)!;
}

/** `help`: the commands with their rules, then the client's own commands and keys. */
export function helpLines(
  commands: readonly CommandInfo[],
  admin: boolean,
  theme: Theme,
  mayElevate = false,
): string[] {
  const width = Math.max(8, ...commands.map((c) => c.name.length));
  const listed = visibleWords(admin, mayElevate);
  const usages = (colon: boolean) =>
    listed.flatMap((w) => (isColon(w) === colon && w.usage !== null ? [w.usage] : [])).join(', ');
  return [
    paint('Commands you may run:', 'bold', theme),
    ...commands.map((c) => `  ${paint(escapeTags(c.name.padEnd(width)), 'bold', theme)}  ${escapeTags(c.rule)}`),
    noteLine(`Client commands: ${usages(false)}; ${usages(true)}`, theme),
    noteLine(
      'Keys: Tab completes, Up/Down history, PgUp/PgDn scroll, Ctrl-C stops a command, Ctrl-D quits, F1 commands ' +
        'panel (while open, PgUp/PgDn and Up/Down scroll it, Esc closes it)',
      theme,
    ),
  ];
}

/** The first lines of the transcript: where, as whom, and how to start. */
export function welcomeLines(
  hello: { server: string; user: string; role: string; admin: boolean; session: string },
  label: string,
  theme: Theme,
): string[] {
  const role = `role ${hello.role}${hello.admin ? ', admin' : ''}`;
  return [
    noteLine(`Connected to ${hello.server} at ${label} as ${hello.user} (${role}), session ${hello.session}.`, theme),
    noteLine('Type help (or press F1) for the commands you may run. Tab completes, Ctrl-D quits.', theme),
  ];
}

/** Splits text at spaces into lines of at most `width` characters (longer words are cut). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
    while (line.length > width) {
      lines.push(line.slice(0, width));
      line = line.slice(width);
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}
