// The files a program needs to start: itself, its ELF interpreter (the dynamic loader), the shared libraries the
// loader maps (asked of the loader with --list, as ldd does), and the interpreter of a `#!` script. Resolved once
// per program when the config loads, so that the confinement helper can grant exactly these (read and execute).
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

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
  const shebang = /^#!\s*(\S+)/.exec(head.subarray(0, 256).toString('latin1'));
  if (shebang && depth < 4 && path.isAbsolute(shebang[1]!)) {
    return [program, ...collect(realpathSync(shebang[1]!), depth + 1)];
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
