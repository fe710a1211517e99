// The `roles:` section: inheritance, commands that must be defined, and the builtins a role may or may not list.
import test from 'ava';
import { base, load, problem } from './helpers.ts';

test('roles inherit commands and admin rights', (t) => {
  const r = load(
    base(
      '  echo: { program: /bin/echo, args: any }\n  date: { program: /bin/date }',
      '  op: { commands: [echo] }\n  lead: { inherits: [op], commands: [date], admin: true }\n  boss: { inherits: [lead] }',
    ),
  );
  if (!r.ok) return t.fail(r.errors.join('\n'));
  t.deepEqual(r.config.roles.get('boss'), { name: 'boss', commands: ['date', 'echo'], admin: true });
});

test(
  'an undefined command in a role',
  problem,
  base(undefined, '  op: { commands: [echo, vi] }'),
  /k\.yaml:4: roles\.op\.commands\.1: command 'vi' is not defined/,
);
test(
  'an inheritance cycle',
  problem,
  base(undefined, '  op: { inherits: [other] }\n  other: { inherits: [op] }'),
  /inheritance cycle/,
);

test('a role may list the builtins everyone has without defining them; they are not commands', (t) => {
  const r = load(base(undefined, '  op: { commands: [echo, whoami, help, exit, logout, admin] }'));
  if (!r.ok) return t.fail(r.errors.join('\n'));
  t.deepEqual(r.config.roles.get('op')?.commands, ['echo']);
  t.false(r.config.commands.has('whoami'));
});

test(
  'an admin builtin listed in a role, pointing to admin: true',
  problem,
  base(undefined, '  op: { commands: [echo, kill] }'),
  /^k\.yaml:4: roles\.op\.commands\.1: 'kill' is an admin builtin, not a command: set admin: true on the role instead$/,
);
test(
  'an alias of an admin builtin listed in a role',
  problem,
  base(undefined, '  op: { commands: [show_clients] }'),
  /roles\.op\.commands\.0: 'show_clients' \(another name for sessions\) is an admin builtin.*set admin: true/,
);
