// The confinement fields of one command: `writable:` roots (realpath'd, each also a read root), `network:` and
// `limits:`, with defaults an operator can live with, and the files its program needs to start (resolved once), with
// those of the programs `runs:` lets it start (gzip for tar, git-core for git, what a deploy script calls).
import { constants, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { findInPath, programFiles, SEARCH_PATH } from '../exec/program-files.ts';
import { SYSTEM_READ, SYSTEM_WRITE } from './confinement.ts';
import type { RawCommand } from './schema.ts';
import type { CommandConfinement, CommandLimits, ConfigProblem } from './types.ts';
import { parseDuration, parseSize } from './units.ts';

type Problems = ConfigProblem[];
type At = (string | number)[];

const GiB = 1024 ** 3;

/** The confinement helper's rule table size (MAX_RULES in src/native/confine.c): one rule per path it is given. */
const HELPER_MAX_RULES = 512;

/**
 * Per-command limits when the config says nothing: 4 GiB of address space (a JVM or a Go program still starts), CPU
 * time = the command's timeout, 1 GiB per written file, 256 open files, 512 processes (RLIMIT_NPROC counts every
 * process and thread of the runAs user: it stops a fork bomb, not one command's second child).
 */
export const DEFAULT_COMMAND_LIMITS: CommandLimits = {
  addressSpaceBytes: 4 * GiB,
  fileSizeBytes: GiB,
  openFiles: 256,
  processes: 512,
};

/** Resolves one command's confinement; `program` is its resolved path (null when that failed). */
export function resolveCommandConfinement(
  spec: RawCommand,
  program: string | null,
  at: At,
  problems: Problems,
): CommandConfinement {
  const writable = (spec.writable ?? []).flatMap((root, i) => {
    const where = [...at, 'writable', i];
    if (!path.isAbsolute(root)) {
      problems.push({ path: where, message: `writable roots must be absolute, got '${root}'` });
      return [];
    }
    try {
      return [realpathSync(root)];
    } catch {
      problems.push({ path: where, message: `writable root '${root}' does not exist: create it or remove it` });
      return [];
    }
  });
  let files: readonly string[] = [];
  if (program !== null) {
    try {
      files = programFiles(program);
    } catch (err) {
      problems.push({ path: [...at, 'program'], message: `cannot read ${program}: ${(err as Error).message}` });
    }
  }
  const runs = (spec.runs ?? []).flatMap((entry, i) => resolveRun(entry, [...at, 'runs', i], problems));
  const exec = [...new Set([...files, ...runs])];
  const rules = exec.length + (spec.paths?.length ?? 0) + SYSTEM_READ.length + writable.length + SYSTEM_WRITE.length;
  if (rules > HELPER_MAX_RULES) {
    problems.push({
      path: [...at, 'runs'],
      message: `needs ${rules} confinement rules (${exec.length} executable files), more than the helper's ${HELPER_MAX_RULES}: list the programs it runs instead of whole directories`,
    });
  }
  const limits = resolveLimits(spec.limits, [...at, 'limits'], problems);
  return { writable, network: spec.network ?? false, limits, programFiles: exec };
}

// One `runs:` entry: a bare name found in SEARCH_PATH, an absolute program, or an absolute directory whose executable
// files (not those of its subdirectories) it may all run; the files each of those needs to start.
function resolveRun(entry: string, at: At, problems: Problems): string[] {
  let real: string;
  if (!entry.includes('/')) {
    const found = findInPath(entry);
    if (found === null) {
      problems.push({
        path: at,
        message: `'${entry}' was not found in PATH: ${SEARCH_PATH}: install it or give its absolute path`,
      });
      return [];
    }
    real = found;
  } else if (!path.isAbsolute(entry)) {
    problems.push({ path: at, message: `must be an absolute path or a bare name found in PATH, got '${entry}'` });
    return [];
  } else {
    try {
      real = realpathSync(entry);
    } catch {
      problems.push({ path: at, message: `'${entry}' does not exist: install it or remove it from runs` });
      return [];
    }
  }
  try {
    if (!statSync(real).isDirectory()) return [...programFiles(real)];
    return readdirSync(real)
      .map((name) => path.join(real, name))
      .filter(isExecutableFile)
      .flatMap((file) => programFiles(realpathSync(file)));
  } catch (err) {
    problems.push({ path: at, message: `cannot read ${real}: ${(err as Error).message}` });
    return [];
  }
}

function isExecutableFile(file: string): boolean {
  try {
    const st = statSync(file);
    return st.isFile() && (st.mode & (constants.S_IXUSR | constants.S_IXGRP | constants.S_IXOTH)) !== 0;
  } catch {
    return false; // a dangling symlink: nothing to run
  }
}

function resolveLimits(raw: RawCommand['limits'], at: At, problems: Problems): CommandLimits {
  const size = (value: string | number | undefined, field: string, fallback: number): number => {
    if (value === undefined) return fallback;
    const parsed = parseSize(value);
    if (parsed.ok && parsed.value > 0) return parsed.value;
    problems.push({ path: [...at, field], message: parsed.ok ? 'must be more than 0' : parsed.reason });
    return fallback;
  };
  let cpuSeconds: number | undefined;
  if (raw?.cpuTime !== undefined) {
    const parsed = parseDuration(raw.cpuTime);
    if (parsed.ok && parsed.value > 0) cpuSeconds = Math.ceil(parsed.value / 1000);
    else problems.push({ path: [...at, 'cpuTime'], message: parsed.ok ? 'must be more than 0' : parsed.reason });
  }
  return {
    addressSpaceBytes: size(raw?.addressSpace, 'addressSpace', DEFAULT_COMMAND_LIMITS.addressSpaceBytes),
    fileSizeBytes: size(raw?.fileSize, 'fileSize', DEFAULT_COMMAND_LIMITS.fileSizeBytes),
    openFiles: raw?.openFiles ?? DEFAULT_COMMAND_LIMITS.openFiles,
    processes: raw?.processes ?? DEFAULT_COMMAND_LIMITS.processes,
    ...(cpuSeconds === undefined ? {} : { cpuSeconds }),
  };
}
