// `keyhole check-config` and `keyhole check-policy`: validate and explain a config without starting anything.
import { loadConfigFile } from '../config/load.ts';
import type { CommandSpec, Config } from '../config/types.ts';
import { describeConfinement } from '../config/confinement.ts';
import { allowedCommands, decide, describeRule } from '../shell/policy.ts';
import { realPathResolver } from '../shell/path-resolver.ts';
import { builtinWord } from '../line/builtins.ts';
import { quoteArg } from '../line/tokenize.ts';
import { fail } from './exit.ts';

function loadOrFail(file: string): Config {
  const loaded = loadConfigFile(file);
  if (!loaded.ok) {
    for (const error of loaded.errors) process.stderr.write(`${error}\n`);
    fail(`${loaded.errors.length} problem${loaded.errors.length === 1 ? '' : 's'} in ${file}; nothing was started`);
  }
  return loaded.config;
}

/** Validates a config file and prints what each user may do. */
export async function checkConfigCommand(file: string): Promise<void> {
  const config = loadOrFail(file);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`${file}: OK`);
  for (const warning of config.warnings) out(`warning: ${warning}`);
  out(`listen ${config.listen.host}:${config.listen.port}; audit ${config.audit.file ?? 'to stderr'}`);
  for (const user of config.users.values()) {
    const role = config.roles.get(user.role)!;
    const methods = [
      user.passwordHash ? 'password' : '',
      user.authorizedKeys.length ? `${user.authorizedKeys.length} key(s)` : '',
    ]
      .filter(Boolean)
      .join(' + ');
    const commands = allowedCommands({ user: user.name, role }, config.commands).map((c) => c.name);
    out(
      `user ${user.name}: role ${role.name}${role.admin ? ' (admin)' : ''}, ${methods}; may run ${commands.join(' ') || 'nothing'}`,
    );
  }
  out(confinementLine(config));
  for (const command of config.commands.values()) {
    out(`command ${command.name}: ${command.program}; ${describeRule(command)}`);
    for (const line of treeOf(config, command)) out(line);
  }
}

// How commands are confined on this machine, in one line.
function confinementLine(config: Config): string {
  const c = config.confinement;
  const how = c.helper === null ? 'no helper' : `helper ${c.helper}, Landlock ABI ${c.landlockAbi}`;
  return `confinement ${c.mode}: ${how}${c.reason ? ` (${c.reason})` : ''}`;
}

// What the kernel lets one command reach, with the timeout that sets its default CPU limit.
function treeOf(config: Config, command: CommandSpec): string[] {
  return describeConfinement(config.confinement, command, command.timeoutMs ?? config.limits.commandTimeoutMs);
}

/** Says whether a user may run a command line, and why, without running it. Exit 0 allowed, 126/127 refused. */
export async function checkPolicyCommand(file: string, userName: string, argv: string[]): Promise<void> {
  const config = loadOrFail(file);
  const user = config.users.get(userName);
  if (!user) fail(`no user '${userName}' in ${file}`);
  const role = config.roles.get(user.role)!;
  if (argv[0] !== undefined && builtinWord(argv[0]) !== undefined) {
    process.stdout.write(
      `builtin: '${argv[0]}' is a Keyhole builtin${role.admin ? '' : ' (admin builtins need admin rights)'}\n`,
    );
    return;
  }
  const decision = decide({ user: user.name, role }, argv, config.commands, realPathResolver, config.cwd);
  if (decision.allow) {
    process.stdout.write(`allow: ${[decision.program, ...decision.argv].map(quoteArg).join(' ')}\n`);
    process.stdout.write(`${[confinementLine(config), ...treeOf(config, decision.command)].join('\n')}\n`);
    return;
  }
  process.stdout.write(`deny (${decision.code}): ${decision.reason}\n`);
  process.exit(decision.code);
}
