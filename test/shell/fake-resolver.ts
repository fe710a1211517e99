// Fixtures for policy tests: an in-memory PathResolver (every path exists, `links` maps a path to its symlink
// target) and a CommandSpec maker.
import type { CommandSpec } from '../../src/config/types.ts';
import type { PathResolver } from '../../src/shell/policy.ts';

/** A command spec with harmless defaults (any arguments, no rules), overridden by `rule`. */
export function commandSpec(name: string, rule: Partial<CommandSpec> = {}): CommandSpec {
  return {
    name,
    program: `/usr/bin/${name}`,
    fixedArgs: [],
    args: 'any',
    flags: [],
    valueFlags: new Map(),
    paths: [],
    patterns: [],
    maxArgs: 8,
    interactive: false,
    ...rule,
  };
}

const MAX_LINKS = 40;

/** A resolver that follows the given symlinks (absolute or relative targets) and `..` like realpath would. */
export function fakeResolver(links: Readonly<Record<string, string>> = {}): PathResolver {
  return {
    resolve(path: string, cwd: string): string | null {
      return walk(path.startsWith('/') ? path : `${cwd}/${path}`, links, { hops: 0 });
    },
  };
}

// Resolves segment by segment, replacing a prefix that is a symlink with its target; null on a loop.
function walk(path: string, links: Readonly<Record<string, string>>, budget: { hops: number }): string | null {
  const done: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      done.pop();
      continue;
    }
    done.push(segment);
    const target = links[`/${done.join('/')}`];
    if (target === undefined) continue;
    if (++budget.hops > MAX_LINKS) return null;
    const base = `/${done.slice(0, -1).join('/')}`;
    const resolved = walk(target.startsWith('/') ? target : `${base}/${target}`, links, budget);
    if (resolved === null) return null;
    done.splice(0, done.length, ...resolved.split('/').filter((s) => s !== ''));
  }
  return `/${done.join('/')}`;
}
