// The allow-list: decides whether a principal may run an argv, and with what exact program and arguments. Default deny;
// pure apart from the path resolver it is given, so every rule can be tested (and fuzzed) without a filesystem.
import type { CommandSpec, RoleSpec } from '../config/types.ts';
import { findControlChar } from '../line/tokenize.ts';

export interface PathResolver {
  /** absolute canonical path (symlinks and .. resolved; for a path that does not exist, the longest existing ancestor
   * resolved plus the rest) or null when it cannot be resolved */
  resolve(path: string, cwd: string): string | null;
}

export interface Principal {
  user: string;
  role: RoleSpec;
}

export type Decision =
  /** argv is for the program, without argv[0]: fixedArgs, then the user's checked arguments (paths made canonical). */
  | { allow: true; command: CommandSpec; program: string; argv: string[] }
  | { allow: false; code: 126 | 127; reason: string };

type Checked = { ok: true; argv: string[] } | { ok: false; reason: string };

const HELP = "type 'help' for the commands you may run";
/** What `scp -O` (it runs `scp -t` or `scp -f`) and rsync send as a command, when no role allows it. */
const TRANSFER_PROGRAMS = new Set(['scp', 'rsync']);
/** Said to file-transfer clients (here, and for the sftp subsystem), so that they do not read "unknown command". */
export const TRANSFER_DISABLED = 'file transfer (scp, sftp, rsync) is not enabled on this server';
const SHOWN_CHARS = 120;

/** Decides whether the principal may run argv; never throws, whatever the argv or the resolver does. */
export function decide(
  principal: Principal,
  argv: readonly string[],
  commands: ReadonlyMap<string, CommandSpec>,
  fs: PathResolver,
  cwd: string,
): Decision {
  const name = argv[0];
  if (name === undefined) return { allow: false, code: 127, reason: `no command given: ${HELP}` };
  if (name.includes('/')) {
    return { allow: false, code: 126, reason: `${show(name)}: commands are named, not given by path; ${HELP}` };
  }
  const spec = principal.role.commands.includes(name) ? commands.get(name) : undefined;
  // The same answer for a command that exists but belongs to another role, so a role cannot probe for others.
  if (spec === undefined && TRANSFER_PROGRAMS.has(name)) return { allow: false, code: 127, reason: TRANSFER_DISABLED };
  if (spec === undefined) return { allow: false, code: 127, reason: `unknown command ${show(name)}: ${HELP}` };
  const checked = checkArgs(spec, argv.slice(1), fs, cwd);
  if (!checked.ok) return { allow: false, code: 126, reason: checked.reason };
  return { allow: true, command: spec, program: spec.program, argv: [...spec.fixedArgs, ...checked.argv] };
}

/** The commands the principal's role may run, sorted by name (for `help` and tab completion). */
export function allowedCommands(principal: Principal, commands: ReadonlyMap<string, CommandSpec>): CommandSpec[] {
  const names = [...new Set(principal.role.commands)];
  const specs = names.flatMap((name) => commands.get(name) ?? []);
  return specs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** One human line describing what arguments a command accepts, e.g. `options -l -a; paths under /srv; at most 8 arguments`. */
export function describeRule(spec: CommandSpec): string {
  if (spec.args === 'none') return 'no arguments';
  const most = `at most ${plural(spec.maxArgs, 'argument')}`;
  if (spec.args === 'any') return `any arguments; ${most}`;
  const valued = [...spec.valueFlags].map(([flag, rule]) => `${flag} ${rule === 'path' ? 'PATH' : showPattern(rule)}`);
  const all = [...spec.flags, ...valued];
  const options = all.length > 0 ? `options ${all.join(' ')}` : 'no options';
  return `${options}; ${describeOperands(spec)}; ${most}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function describeOperands(spec: CommandSpec): string {
  if (spec.paths.length > 0) return `paths under ${spec.paths.join(', ')}`;
  if (spec.patterns.length > 0) return `operands matching ${spec.patterns.map(showPattern).join(', ')}`;
  return 'no operands';
}

// Checks the user's arguments (argv without the command name) against the command's rule.
function checkArgs(spec: CommandSpec, args: readonly string[], fs: PathResolver, cwd: string): Checked {
  const name = show(spec.name);
  if (spec.args === 'none') return args.length === 0 ? pass([]) : fail(`${name} takes no arguments`);
  if (args.length > spec.maxArgs)
    return fail(`${name} takes at most ${plural(spec.maxArgs, 'argument')}, got ${args.length}`);
  // Arguments may arrive without the tokenizer (the structured protocol), and a NUL would make spawn throw.
  const bad = args.find((arg) => findControlChar(arg) !== -1);
  if (bad !== undefined)
    return fail(`argument ${show(bad)} holds a control character: arguments must be printable text`);
  if (spec.args === 'any') return pass([...args]);
  return checkRules(spec, args, fs, cwd);
}

type Ctx = { spec: CommandSpec; fs: PathResolver; cwd: string };

// Walks options then operands: every option must be listed, every operand must be a permitted path or value.
function checkRules(spec: CommandSpec, args: readonly string[], fs: PathResolver, cwd: string): Checked {
  const ctx = { spec, fs, cwd };
  const out: string[] = [];
  let optionsEnded = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!optionsEnded && arg === '--') {
      optionsEnded = true;
      out.push(arg);
      continue;
    }
    const isOption = !optionsEnded && arg.startsWith('-') && arg !== '-';
    const checked = isOption ? checkOption(ctx, arg, args[i + 1]) : checkOperand(spec, arg, fs, cwd);
    if (!checked.ok) return checked;
    if ('consumedNext' in checked && checked.consumedNext) i++;
    out.push(...checked.argv);
  }
  return pass(out);
}

type OptionChecked = { ok: true; argv: string[]; consumedNext?: boolean } | { ok: false; reason: string };

// One option, as getopt would read it: exact flags, `--name=value` / `--name value` / `-xVALUE` / `-x value` for
// value flags, and clusters (`-la`) where each letter is a flag until one takes the rest as its value.
function checkOption(ctx: Ctx, arg: string, next: string | undefined): OptionChecked {
  const { spec } = ctx;
  if (spec.flags.includes(arg)) return pass([arg]);
  if (arg.startsWith('--')) {
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    const rule = spec.valueFlags.get(name);
    if (rule !== undefined)
      return eq < 0 ? takeNext(ctx, name, rule, next) : withValue(ctx, [], name, arg.slice(eq + 1), rule, '=');
    return refuseOption(spec, arg);
  }
  const letters = Array.from(arg.slice(1));
  for (let j = 0; j < letters.length; j++) {
    const flag = `-${letters[j]}`;
    if (spec.flags.includes(flag)) continue;
    const rule = spec.valueFlags.get(flag);
    if (rule === undefined) return refuseOption(spec, arg);
    const before = j > 0 ? [`-${letters.slice(0, j).join('')}`] : [];
    const rest = letters.slice(j + 1).join('');
    if (rest === '') {
      const taken = takeNext(ctx, flag, rule, next);
      return taken.ok ? { ...taken, argv: [...before, ...taken.argv] } : taken;
    }
    return withValue(ctx, before, flag, rest, rule, '');
  }
  return pass([arg]);
}

function takeNext(ctx: Ctx, flag: string, rule: 'path' | RegExp, next: string | undefined): OptionChecked {
  if (next === undefined) return fail(`option ${show(flag)} of ${show(ctx.spec.name)} needs a value`);
  const checked = withValue(ctx, [], flag, next, rule, ' ');
  return checked.ok ? { ok: true, argv: checked.argv, consumedNext: true } : checked;
}

// Checks an option's value; a path value is passed on as its canonical path, as a path operand is.
function withValue(
  ctx: Ctx,
  before: string[],
  flag: string,
  value: string,
  rule: 'path' | RegExp,
  join: '=' | '' | ' ',
): Checked {
  let checkedValue = value;
  if (rule === 'path') {
    const checked = checkOperand(ctx.spec, value, ctx.fs, ctx.cwd);
    if (!checked.ok) return checked;
    checkedValue = checked.argv[0]!;
  } else if (!fullMatch(rule, value)) {
    return fail(
      `value ${show(value)} of option ${show(flag)} is not permitted for ${show(ctx.spec.name)} (allowed: ${showPattern(rule)})`,
    );
  }
  return pass(join === '=' ? [...before, `${flag}=${checkedValue}`] : [...before, flag, checkedValue]);
}

function refuseOption(spec: CommandSpec, arg: string): Checked {
  const names = [...spec.flags, ...[...spec.valueFlags.keys()].map((f) => `${f} VALUE`)];
  const allowed = names.length > 0 ? `allowed: ${names.join(' ')}` : 'it takes no options';
  return fail(`option ${show(arg)} is not permitted for ${show(spec.name)} (${allowed})`);
}

function showPattern(pattern: RegExp): string {
  return `/${pattern.source.replace(/^\^\(\?:(.*)\)\$$/, '$1')}/`;
}

function checkOperand(spec: CommandSpec, arg: string, fs: PathResolver, cwd: string): Checked {
  const name = show(spec.name);
  if (arg === '') return fail(`an empty argument is not allowed for ${name}: name a file or a value`);
  if (spec.paths.length > 0) {
    const resolved = safeResolve(fs, arg, cwd);
    if (resolved !== null && spec.paths.some((root) => isInside(resolved, root))) return pass([resolved]);
    return fail(`path ${show(arg)} is outside the allowed directories for ${name} (${spec.paths.join(', ')})`);
  }
  if (spec.patterns.length > 0) {
    if (spec.patterns.some((pattern) => fullMatch(pattern, arg))) return pass([arg]);
    return fail(
      `operand ${show(arg)} is not permitted for ${name} (allowed: ${spec.patterns.map(showPattern).join(' ')})`,
    );
  }
  return fail(`${name} takes no operands`);
}

// The resolver is outside our control: a throw or a non-canonical answer counts as "cannot be resolved".
function safeResolve(fs: PathResolver, path: string, cwd: string): string | null {
  try {
    const resolved = fs.resolve(path, cwd);
    return typeof resolved === 'string' && isCanonical(resolved) ? resolved : null;
  } catch {
    return null;
  }
}

// Absolute, no `.`/`..`/empty segments, no trailing slash: otherwise a prefix check could be fooled (/srv/../etc).
function isCanonical(path: string): boolean {
  if (path === '/') return true;
  if (!path.startsWith('/') || findControlChar(path) !== -1) return false;
  return path
    .slice(1)
    .split('/')
    .every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

// Inside means the root itself or below it: /srvx is not inside /srv.
function isInside(path: string, root: string): boolean {
  const prefix = root.endsWith('/') ? root : `${root}/`;
  return path === root || path === prefix.slice(0, -1) || path.startsWith(prefix);
}

// Anchored here whatever the config wrote; without `g`/`y` (whose lastIndex would carry state between calls) and `m`
// (whose ^ and $ would match at line breaks).
function fullMatch(pattern: RegExp, text: string): boolean {
  return new RegExp(`^(?:${pattern.source})$`, pattern.flags.replace(/[gym]/g, '')).test(text);
}

// Quotes a user-supplied word for a reason: one line, clipped, with control characters made visible.
function show(text: string): string {
  const clipped = text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}...` : text;
  let visible = '';
  for (const char of clipped) {
    const code = char.charCodeAt(0);
    visible += findControlChar(char) === -1 ? char : `\\x${code.toString(16).padStart(2, '0')}`;
  }
  return `'${visible}'`;
}

function pass(argv: string[]): Checked {
  return { ok: true, argv };
}

function fail(reason: string): Checked {
  return { ok: false, reason };
}
