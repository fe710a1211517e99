// The `list` frame: the commands this session may run, with their argument rules, for completion and discovery.
import { builtinNames } from '../shell/builtins.ts';
import { allowedCommands, describeRule } from '../shell/policy.ts';
import { currentRole, type ShellSession } from '../shell/session.ts';
import type { ServerFrame } from './frames.ts';

/** Builds the list frame answering request `id`. */
export function listFrame(session: ShellSession, id?: string): ServerFrame {
  const principal = { user: session.user.name, role: currentRole(session) };
  const commands = allowedCommands(principal, session.config().commands).map((c) => ({
    name: c.name,
    args: c.args,
    flags: [...c.flags],
    paths: [...c.paths],
    patterns: c.patterns.map((p) => p.source.replace(/^\^\(\?:(.*)\)\$$/, '$1')),
    maxArgs: c.maxArgs,
    interactive: c.interactive,
    rule: describeRule(c),
  }));
  return { type: 'list', id, commands, builtins: builtinNames(session) };
}
