// The confinement fields of one command: `writable:` roots (realpath'd, each also a read root), `network:` and
// `limits:`, with defaults an operator can live with, and the files its program needs to start (resolved once).
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { programFiles } from '../exec/program-files.ts';
import type { RawCommand } from './schema.ts';
import type { CommandConfinement, CommandLimits, ConfigProblem } from './types.ts';
import { parseDuration, parseSize } from './units.ts';

type Problems = ConfigProblem[];
type At = (string | number)[];

const GiB = 1024 ** 3;

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
  const limits = resolveLimits(spec.limits, [...at, 'limits'], problems);
  return { writable, network: spec.network ?? false, limits, programFiles: files };
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
