// `keyhole check-config` and `keyhole check-policy`: validate and explain a config without starting anything.
import { loadConfigFile } from '../config/load.ts';
import type { CommandSpec, Config, UserSpec } from '../config/types.ts';
import { describeConfinement } from '../config/confinement.ts';
import { allowedCommands, decide, describeRule } from '../shell/policy.ts';
import { realPathResolver } from '../shell/path-resolver.ts';
import { builtinWord } from '../line/builtins.ts';
import { quoteArg, tokenize } from '../line/tokenize.ts';
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
    const methods = loginMethodsOf(user, config.trustedUserCAs.length > 0);
    const commands = allowedCommands({ user: user.name, role }, config.commands).map((c) => c.name);
    out(
      `user ${user.name}: role ${role.name}${role.admin ? ' (admin)' : ''}, ${methods}; may run ${commands.join(' ') || 'nothing'}`,
    );
  }
  out(confinementLine(config));
  for (const command of config.commands.values()) {
    // fixedArgs are part of what runs: `disk` is `df -h`, and a reader of the summary must see the -h.
    const fixed = command.fixedArgs.length > 0 ? `; fixedArgs ${command.fixedArgs.map(quoteArg).join(' ')}` : '';
    out(`command ${command.name}: ${command.program}${fixed}; ${describeRule(command)}`);
    for (const line of treeOf(config, command)) out(line);
  }
}

// How a user logs in, in a few words: a certificate-only user (no password, no keys) is not left with an empty list.
function loginMethodsOf(user: UserSpec, trustsCAs: boolean): string {
  const principals = user.principals ?? [user.name];
  const ways = [
    user.passwordHash ? 'password' : '',
    user.authorizedKeys.length ? `${user.authorizedKeys.length} key(s)` : '',
    trustsCAs ? `certificate (principal${principals.length === 1 ? '' : 's'} ${principals.join(', ')})` : '',
  ].filter(Boolean);
  const chains = user.authenticationMethods?.map((chain) => chain.join(',')).join(' or ');
  return `${ways.join(' + ') || 'no way to log in'}${chains ? `; must pass ${chains}` : ''}`;
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

/**
 * Says whether a user may run a command line, and why, without running it: the words are joined and read as the shell
 * reads a line (as ssh sends `ssh host ls -l`), or with `argv` taken as they are. Exit 0 allowed, 126/127 refused.
 */
export async function checkPolicyCommand(
  file: string,
  userName: string,
  words: string[],
  opts: { argv?: boolean } = {},
): Promise<void> {
  const config = loadOrFail(file);
  const user = config.users.get(userName);
  if (!user) fail(`no user '${userName}' in ${file}`);
  const role = config.roles.get(user.role)!;
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  let argv = words;
  if (!opts.argv) {
    const tokens = tokenize(words.join(' '), { maxLineBytes: config.limits.maxLineBytes });
    if (!tokens.ok) return deny(126, tokens.reason);
    argv = tokens.argv;
  }
  if (argv.length === 0) fail('no command to check: give the line after --, such as: -- ls -l /srv');
  if (builtinWord(argv[0]!) !== undefined) {
    return out(`builtin: '${argv[0]}' is a Keyhole builtin${role.admin ? '' : ' (admin builtins need admin rights)'}`);
  }
  const decision = decide({ user: user.name, role }, argv, config.commands, realPathResolver, config.cwd);
  if (decision.allow) {
    const command = decision.command;
    out(`allow: ${[decision.program, ...decision.argv].map(quoteArg).join(' ')}`);
    out(`  by role ${role.name}, command ${command.name}: ${describeRule(command)}`);
    out([confinementLine(config), ...treeOf(config, command)].join('\n'));
    return;
  }
  deny(decision.code, decision.reason, roleHint(config, role.name, argv[0]!));
}

// The deny line (the shell's reason, what the user would see), a hint for the operator, and the refusal's status.
function deny(code: number, reason: string, hint?: string): never {
  process.stdout.write(`deny (${code}): ${reason}\n`);
  if (hint) process.stdout.write(`  ${hint}\n`);
  process.exit(code);
}

// A command that exists but is not in the user's role reads to the user like one that does not (so a role cannot
// probe); the operator is told which roles do list it.
function roleHint(config: Config, roleName: string, name: string): string | undefined {
  if (!config.commands.has(name)) return undefined;
  const roles = [...config.roles.values()].filter((r) => r.name !== roleName && r.commands.includes(name));
  const which = roles.length ? `; roles that do: ${roles.map((r) => r.name).join(', ')}` : '; no role lists it';
  return `command '${name}' is defined, but role ${roleName} does not list it${which}`;
}
