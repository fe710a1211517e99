// The filesystem view the policy checks path operands against: canonical paths, symlinks and `..` resolved.
import { lstatSync, realpathSync } from 'node:fs';
import path from 'node:path';
import type { PathResolver } from './policy.ts';

/** Resolves with realpath; a path that does not exist yet resolves through its longest existing ancestor. */
export const realPathResolver: PathResolver = {
  resolve(input: string, cwd: string): string | null {
    if (input.includes('\0')) return null;
    const absolute = path.resolve(cwd, input);
    const rest: string[] = [];
    let current = absolute;
    for (;;) {
      try {
        return path.join(realpathSync(current), ...rest);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT' && code !== 'ENOTDIR') return null;
        // A dangling symlink also reports ENOENT: its target may lie outside every root, so it resolves to nothing.
        if (lstatSync(current, { throwIfNoEntry: false })) return null;
        const parent = path.dirname(current);
        if (parent === current) return null;
        rest.unshift(path.basename(current));
        current = parent;
      }
    }
  },
};
