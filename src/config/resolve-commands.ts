// The `commands:` section: names that are not the builtins', programs resolved once (realpath on PATH), path roots
// resolved, patterns compiled, and argument rules checked for sense (no unchecked `-o` value, no shell with any args).
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { builtinWord } from '../line/builtins.ts';
import { findControlChar } from '../line/tokenize.ts';
import { isDangerousWithAnyArgs } from './dangerous.ts';
import type { RawCommand } from './schema.ts';
import type { CommandSpec, ConfigProblem } from './types.ts';
import { parseDuration } from './units.ts';
import { resolveCommandConfinement } from './confinement-commands.ts';
import { knownValueOptions, valueTakingFlag } from './value-options.ts';

type Problems = ConfigProblem[];
type At = (string | number)[];

/** Resolves `commands`; `searchPath` (the children's PATH) is where bare program names are looked up. */
export function resolveCommands(
  raw: Record<string, RawCommand>,
  searchPath: string,
  problems: Problems,
): Map<string, CommandSpec> {
  const commands = new Map<string, CommandSpec>();
  for (const [name, spec] of Object.entries(raw)) commands.set(name, resolveCommand(name, spec, searchPath, problems));
  return commands;
}

// One command; every problem is recorded and the rest still resolved, so one load reports them all.
function resolveCommand(name: string, spec: RawCommand, searchPath: string, problems: Problems): CommandSpec {
  const at = ['commands', name];
  checkName(name, at, problems);
  const program = resolveProgram(spec.program, searchPath, [...at, 'program'], problems);
  const roots = (spec.paths ?? []).map((root, i) => resolveRoot(root, [...at, 'paths', i], problems));
  const patterns = (spec.patterns ?? []).map((p, i) => compilePattern(p, [...at, 'patterns', i], problems));
  const hasRules =
    spec.flags !== undefined ||
    spec.valueFlags !== undefined ||
    spec.paths !== undefined ||
    spec.patterns !== undefined;
  const valueFlags = resolveValueFlags(spec, at, problems);
  checkArgs(spec, program, hasRules, at, problems);
  checkFlags(spec.flags ?? [], at, problems);
  checkValueTaking(spec, program, at, problems);
  let timeoutMs: number | undefined;
  if (spec.timeout !== undefined) {
    const parsed = parseDuration(spec.timeout);
    if (parsed.ok) timeoutMs = parsed.value;
    else problems.push({ path: [...at, 'timeout'], message: parsed.reason });
  }
  return {
    name,
    program: program ?? spec.program,
    fixedArgs: spec.fixedArgs ?? [],
    args: spec.args ?? (hasRules ? 'rules' : 'none'),
    flags: spec.flags ?? [],
    valueFlags,
    paths: roots.filter((r): r is string => r !== null),
    patterns: patterns.filter((p): p is RegExp => p !== null),
    maxArgs: spec.maxArgs ?? 64,
    interactive: spec.interactive ?? false,
    timeoutMs,
    confinement: resolveCommandConfinement(spec, program, at, problems),
  };
}

// A command named like a builtin (or an alias of one) would never run in the shell, where the builtin wins, and the
// protocol would refuse it: the config is refused instead, at the command's own line.
function checkName(name: string, at: At, problems: Problems): void {
  const builtin = builtinWord(name);
  if (builtin === undefined) return;
  const alias = name === builtin.name ? '' : ` (another name for ${builtin.name})`;
  problems.push({
    path: at,
    message: `'${name}' is a Keyhole builtin${alias}; a command may not take its name: rename it`,
  });
}

// `args: none|any` says everything about the arguments, so it cannot be mixed with rules; and `any` is refused for
// programs that can run others or write files unless the config accepts that risk.
function checkArgs(spec: RawCommand, program: string | null, hasRules: boolean, at: At, problems: Problems): void {
  if (spec.args !== undefined && hasRules) {
    problems.push({
      path: [...at, 'args'],
      message: `'args: ${spec.args}' cannot be combined with flags, paths or patterns`,
    });
  }
  if (spec.args === 'any' && program && isDangerousWithAnyArgs(program) && !spec.allowDangerousArgs) {
    problems.push({
      path: [...at, 'args'],
      message: `'${program}' can run other programs or write files when its arguments are not restricted: list the permitted flags and paths instead, or set allowDangerousArgs: true to accept that risk`,
    });
  }
}

// Listed flags must be options: an operand listed there would pass every check unseen.
function checkFlags(flags: readonly string[], at: At, problems: Problems): void {
  for (const [i, flag] of flags.entries()) {
    if (!/^-[^\s]/.test(flag) || flag === '--' || findControlChar(flag) >= 0) {
      problems.push({
        path: [...at, 'flags', i],
        message: `'${flag}' is not an option: options start with - (and -- is always allowed)`,
      });
    }
  }
}

// The README's rule: never list a value-taking option under flags (getopt would read the next word, or the rest of a
// cluster, as its value, unchecked). Caught for options the config declares under valueFlags and for the known
// options of common programs (config/value-options.ts); other programs' options Keyhole cannot know.
function checkValueTaking(spec: RawCommand, program: string | null, at: At, problems: Problems): void {
  const takesValue = knownValueOptions(spec.program, program);
  for (const flag of Object.keys(spec.valueFlags ?? {})) takesValue.set(flag, 'is declared under valueFlags');
  for (const [i, flag] of (spec.flags ?? []).entries()) {
    if (spec.valueFlags?.[flag] !== undefined) continue; // reported as listed in both, under valueFlags
    const why = valueTakingFlag(flag, takesValue);
    if (why === null) continue;
    const option = /ends with (-\S)/.exec(why)?.[1] ?? flag;
    problems.push({
      path: [...at, 'flags', i],
      message: `${why}: under flags, the word after it would be read as its value unchecked; declare it under valueFlags with 'path' or a pattern for the value (valueFlags: { ${option}: ${spec.paths?.length ? 'path' : "'[0-9]+'"} })`,
    });
  }
}

// Options that take a value: each maps to 'path' or a pattern for the value. An option listed both as a plain flag
// and as a value flag would let `-o` pass unchecked, so that is an error.
function resolveValueFlags(spec: RawCommand, at: At, problems: Problems): Map<string, 'path' | RegExp> {
  const valueFlags = new Map<string, 'path' | RegExp>();
  for (const [flag, rule] of Object.entries(spec.valueFlags ?? {})) {
    const where = [...at, 'valueFlags', flag];
    if (!/^-[^\s=-]$|^--[^\s=]+$/.test(flag)) {
      problems.push({
        path: where,
        message: `'${flag}' is not an option name: write -x or --name (the value follows it)`,
      });
    } else if (spec.flags?.includes(flag)) {
      problems.push({
        path: where,
        message: `'${flag}' is listed under flags too: an option either takes a value or not`,
      });
    } else if (rule === 'path') {
      if (!spec.paths?.length)
        problems.push({ path: where, message: `'path' values need paths: [...] roots to check them against` });
      valueFlags.set(flag, 'path');
    } else {
      const pattern = compilePattern(rule, where, problems);
      if (pattern) valueFlags.set(flag, pattern);
    }
  }
  return valueFlags;
}

// Programs are resolved once, here, so that a later change of PATH or a planted binary cannot change what runs.
function resolveProgram(program: string, searchPath: string, at: At, problems: Problems): string | null {
  const candidates = program.includes('/') ? [program] : searchPath.split(':').map((dir) => path.join(dir, program));
  if (program.includes('/') && !path.isAbsolute(program)) {
    problems.push({ path: at, message: `must be an absolute path or a bare name found on PATH, got '${program}'` });
    return null;
  }
  for (const candidate of candidates) {
    try {
      const real = realpathSync(candidate);
      if (!statSync(real).isFile()) continue;
      accessSync(real, constants.X_OK);
      return real;
    } catch {
      // not this one: try the next PATH entry
    }
  }
  problems.push({
    path: at,
    message: `program '${program}' was not found or is not executable: install it or fix the path`,
  });
  return null;
}

// Path roots are realpath'd now, so the policy compares resolved paths with resolved roots.
function resolveRoot(root: string, at: At, problems: Problems): string | null {
  if (!path.isAbsolute(root)) {
    problems.push({ path: at, message: `path roots must be absolute, got '${root}'` });
    return null;
  }
  try {
    return realpathSync(root);
  } catch {
    problems.push({ path: at, message: `path root '${root}' does not exist: create it or remove it from the list` });
    return null;
  }
}

// Patterns are anchored: a pattern matches the whole argument, never a part of it.
function compilePattern(source: string, at: At, problems: Problems): RegExp | null {
  try {
    return new RegExp(`^(?:${source})$`, 'u');
  } catch (err) {
    problems.push({ path: at, message: `not a valid regular expression: ${(err as Error).message}` });
    return null;
  }
}
