// The `list` frame: the commands this session may run, with their argument rules, for completion and discovery,
// and the request frames it may send (the admin ones only with admin rights, elevate only when it may get them).
import { allowedCommands, describeRule } from '../shell/policy.ts';
import { currentRole, type ShellContext } from '../shell/context.ts';
import { mayElevate } from './admin.ts';
import { CLIENT_FRAME_TYPES, type ServerFrame } from './frames.ts';

const ADMIN_FRAMES: readonly string[] = ['sessions', 'kill', 'shutdown'];

/** Builds the list frame answering request `id`. */
export function listFrame(session: ShellContext, id?: string): ServerFrame {
  const role = currentRole(session);
  const commands = allowedCommands({ user: session.user.name, role }, session.config().commands).map((c) => ({
    name: c.name,
    args: c.args,
    flags: [...c.flags],
    paths: [...c.paths],
    patterns: c.patterns.map((p) => p.source.replace(/^\^\(\?:(.*)\)\$$/, '$1')),
    maxArgs: c.maxArgs,
    interactive: c.interactive,
    rule: describeRule(c),
  }));
  const elevate = mayElevate(session);
  const frames = CLIENT_FRAME_TYPES.filter((type) =>
    type === 'elevate' ? elevate : role.admin || !ADMIN_FRAMES.includes(type),
  );
  return { type: 'list', id, commands, frames };
}
