// What the user may run, as text: the side panel (narrow, one command and its rule per block) and the `help` output
// in the transcript (one line per command, as the server's shell prints it). Pure, in blessed markup.
import type { CommandInfo } from '../../protocol/frames.ts';
import { escapeTags, noteLine, paint, type Theme } from './format.ts';
import { isColon, visibleWords } from './words.ts';

/** The side panel: each command in bold, its rule wrapped and indented under it, `width` columns wide. */
export function panelLines(commands: readonly CommandInfo[], width: number, theme: Theme): string[] {
  if (commands.length === 0) return [noteLine('no commands are allowed for this user', theme)];
  const lines: string[] = [];
  for (const c of commands) {
    lines.push(paint(escapeTags(c.name), 'bold', theme));
    for (const part of wrap(c.rule, Math.max(8, width - 2))) lines.push(`  ${escapeTags(part)}`);
  }
  return lines;
}

/** `help`: the commands with their rules, then the client's own commands and keys. */
export function helpLines(commands: readonly CommandInfo[], admin: boolean, theme: Theme): string[] {
  const width = Math.max(8, ...commands.map((c) => c.name.length));
  const listed = visibleWords(admin);
  const usages = (colon: boolean) =>
    listed.flatMap((w) => (isColon(w) === colon && w.usage !== null ? [w.usage] : [])).join(', ');
  return [
    paint('Commands you may run:', 'bold', theme),
    ...commands.map((c) => `  ${paint(escapeTags(c.name.padEnd(width)), 'bold', theme)}  ${escapeTags(c.rule)}`),
    noteLine(`Client commands: ${usages(false)}; ${usages(true)}`, theme),
    noteLine(
      'Keys: Tab completes, Up/Down history, PgUp/PgDn scroll, Ctrl-C stops a command, Ctrl-D quits, F1 commands panel',
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
