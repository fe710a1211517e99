// The files a program needs to start: itself, its ELF interpreter (the dynamic loader), the shared libraries the
// loader maps (asked of the loader with --list, as ldd does), and the interpreter of a `#!` script (and for
// `#!/usr/bin/env NAME`, NAME as env finds it). Resolved once per program when the config loads, so that the
// confinement helper can grant exactly these (read and execute).
import { spawnSync } from 'node:child_process';
import { accessSync, closeSync, constants, existsSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

/** Where bare names (an env shebang's NAME, a `runs:` entry) are looked up. */
export const SEARCH_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The real path of the first executable regular file called `name` in SEARCH_PATH, or null. */
export function findInPath(name: string): string | null {
  for (const dir of SEARCH_PATH.split(':')) {
    try {
      const real = realpathSync(path.join(dir, name));
      if (!statSync(real).isFile()) continue;
      accessSync(real, constants.X_OK);
      return real;
    } catch {
      // not in this directory: try the next
    }
  }
  return null;
}

const cache = new Map<string, { mtimeMs: number; files: readonly string[] }>();

/** Absolute paths of what `program` needs to run (itself first); cached per program and modification time. */
export function programFiles(program: string): readonly string[] {
  const mtimeMs = statSync(program).mtimeMs;
  const hit = cache.get(program);
  if (hit?.mtimeMs === mtimeMs) return hit.files;
  const files = [...new Set(collect(program, 0))];
  cache.set(program, { mtimeMs, files });
  return files;
}

function collect(program: string, depth: number): string[] {
  const head = readHead(program);
  const shebang = /^#![ \t]*(\S+)[ \t]*([^\n]*)/.exec(head.subarray(0, 256).toString('latin1'));
  if (shebang && depth < 4 && path.isAbsolute(shebang[1]!)) {
    const interpreter = realpathSync(shebang[1]!);
    const named = path.basename(shebang[1]!) === 'env' ? envTarget(shebang[2]!) : null;
    // A NAME that env would not find either makes the script fail as it would unconfined: nothing more to grant.
    const target = named === null ? null : path.isAbsolute(named) ? named : findInPath(named);
    const extra = target !== null && existsSync(target) ? collect(realpathSync(target), depth + 1) : [];
    return [program, ...collect(interpreter, depth + 1), ...extra];
  }
  const interp = elfInterpreter(head);
  if (interp === null || !existsSync(interp)) return [program]; // static, or not ELF: nothing else to map
  const listed = spawnSync(interp, ['--list', program], { encoding: 'utf8', timeout: 5000, env: {} });
  const libs = (listed.stdout ?? '')
    .split('\n')
    .map((line) => /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line)?.[1])
    .filter((lib): lib is string => lib !== undefined);
  const gconv = libs.map((lib) => path.join(path.dirname(lib), 'gconv')).filter((dir) => existsSync(dir));
  return [program, interp, ...libs, ...gconv];
}

// The program env runs for `#!/usr/bin/env [-S] [-i] [-u VAR] [VAR=value] NAME ...`: its first word that is not
// an option or an assignment (-S only splits the rest into words, which the split here already does).
function envTarget(args: string): string | null {
  const words = args.split(/[ \t]+/).filter((word) => word !== '');
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === '-u' || word === '-C' || word === '--unset' || word === '--chdir') i++;
    else if (word.startsWith('-S') && word.length > 2) return word.slice(2);
    else if (!word.startsWith('-') && !word.includes('=')) return word;
  }
  return null;
}

function readHead(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(4096);
    return buf.subarray(0, readSync(fd, buf, 0, buf.length, 0));
  } finally {
    closeSync(fd);
  }
}

// PT_INTERP of a 64-bit little-endian ELF header, or null (32-bit, big-endian or static programs have none here).
function elfInterpreter(head: Buffer): string | null {
  if (head.length < 64 || head.readUInt32BE(0) !== 0x7f454c46 || head[4] !== 2 || head[5] !== 1) return null;
  const phoff = Number(head.readBigUInt64LE(0x20));
  const size = head.readUInt16LE(0x36);
  for (let i = 0; i < head.readUInt16LE(0x38); i++) {
    const at = phoff + i * size;
    if (at + 0x28 > head.length) return null;
    if (head.readUInt32LE(at) !== 3) continue; // PT_INTERP
    const offset = Number(head.readBigUInt64LE(at + 8));
    const length = Number(head.readBigUInt64LE(at + 0x20));
    if (offset + length > head.length) return null;
    return head
      .subarray(offset, offset + length)
      .toString('latin1')
      .replace(/\0.*$/s, '');
  }
  return null;
}
