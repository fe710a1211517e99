// The `roles:` section: inheritance flattened (cycles refused), command names checked against `commands:`, and the
// builtins a role may name: those everyone has are accepted as they are, the admin ones come from `admin: true`.
import { builtinWord } from '../line/builtins.ts';
import type { RawConfig } from './schema.ts';
import type { CommandSpec, ConfigProblem, RoleSpec } from './types.ts';
import { didYouMean } from './suggest.ts';

type Problems = ConfigProblem[];
type RawRoles = RawConfig['roles'];

/** Resolves `roles`: each role's commands with those of the roles it inherits merged in, and its admin right. */
export function resolveRoles(
  raw: RawRoles,
  commands: ReadonlyMap<string, CommandSpec>,
  problems: Problems,
): Map<string, RoleSpec> {
  const roles = new Map<string, RoleSpec>();
  const visit = (name: string, trail: string[]): RoleSpec | null => {
    const done = roles.get(name);
    if (done) return done;
    const spec = raw[name];
    if (!spec) return null;
    if (trail.includes(name)) {
      problems.push({
        path: ['roles', name, 'inherits'],
        message: `inheritance cycle: ${[...trail, name].join(' -> ')}`,
      });
      return null;
    }
    const names = new Set<string>();
    let admin = spec.admin ?? false;
    (spec.inherits ?? []).forEach((parent, i) => {
      if (!raw[parent])
        problems.push({
          path: ['roles', name, 'inherits', i],
          message: `role '${parent}' is not defined under roles${didYouMean(parent, Object.keys(raw))}`,
        });
      const inherited = visit(parent, [...trail, name]);
      inherited?.commands.forEach((c) => names.add(c));
      admin ||= inherited?.admin ?? false;
    });
    (spec.commands ?? []).forEach((command, i) => {
      if (listedCommand(command, ['roles', name, 'commands', i], commands, problems)) names.add(command);
    });
    const elevate = spec.elevate ? { elevate: true } : {}; // `admin` elevation: only roles that say so, not inherited
    const role: RoleSpec = { name, commands: [...names].sort(), admin, ...elevate };
    roles.set(name, role);
    return role;
  };
  for (const name of Object.keys(raw)) visit(name, []);
  return roles;
}

// Whether a name a role lists is one of its commands. A builtin everyone has (help, whoami, exit, ...) may be listed
// without a definition and is no command; an admin builtin listed there would suggest the role may use it when only
// `admin: true` grants it, so that is a problem, as is a name defined nowhere.
function listedCommand(
  command: string,
  at: (string | number)[],
  commands: ReadonlyMap<string, CommandSpec>,
  problems: Problems,
): boolean {
  const builtin = builtinWord(command);
  if (builtin?.adminOnly) {
    const alias = command === builtin.name ? '' : ` (another name for ${builtin.name})`;
    problems.push({
      path: at,
      message: `'${command}'${alias} is an admin builtin, not a command: set admin: true on the role instead`,
    });
    return false;
  }
  if (builtin) return false;
  if (commands.has(command)) return true;
  problems.push({
    path: at,
    message: `command '${command}' is not defined under commands${didYouMean(command, commands.keys())}`,
  });
  return false;
}
