// Summarises `node --cpu-prof` profiles (from `npm run bench -- --profile DIR`): where the server's CPU time went,
// by function (self time) and by package or source folder, so that a missed target can be traced to its cause.
// Usage: npx tsx scripts/bench/profile-summary.ts DIR_OR_FILE... [--top N]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time in microseconds per profile node id. */
export function selfTimes(profile: Profile): Map<number, number> {
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  return self;
}

/** Where a frame's code lives: a package, a folder of src/, Node's own code, or the VM (GC, idle, program). */
export function area(url: string, functionName: string): string {
  if (!url) return `(${functionName || 'native'})`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const src = /\/(src\/[^/]+)\//.exec(url);
  return src ? src[1]! : path.basename(url);
}

function files(args: string[]): string[] {
  return args.flatMap((a) =>
    statSync(a).isDirectory()
      ? readdirSync(a)
          .filter((f) => f.endsWith('.cpuprofile'))
          .map((f) => path.join(a, f))
      : [a],
  );
}

function table(title: string, totals: Map<string, number>, all: number, top: number): string {
  const rows = [...totals].sort((a, b) => b[1] - a[1]).slice(0, top);
  const lines = rows.map(
    ([k, us]) => `${(us / 1000).toFixed(0).padStart(8)} ms ${((100 * us) / all).toFixed(1).padStart(5)}%  ${k}`,
  );
  return [`${title} (total ${(all / 1000).toFixed(0)} ms)`, ...lines].join('\n');
}

/** Prints the top functions by self time and the share of each area. */
export function summarise(profiles: Profile[], top: number): string {
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  let all = 0;
  for (const profile of profiles) {
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    for (const [id, us] of selfTimes(profile)) {
      const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
      const name = `${functionName || '(anonymous)'} ${url ? `${url.replace(/^.*\/(node_modules|src)\//, '$1/')}:${lineNumber + 1}` : ''}`;
      byFunction.set(name, (byFunction.get(name) ?? 0) + us);
      const a = area(url, functionName);
      byArea.set(a, (byArea.get(a) ?? 0) + us);
      all += us;
    }
  }
  return `${table('by area', byArea, all, top)}\n\n${table('by function (self time)', byFunction, all, top)}`;
}

const args = process.argv.slice(2);
if (args.length > 0) {
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 25;
  const profiles = files(args).map((f) => JSON.parse(readFileSync(f, 'utf8')) as Profile);
  process.stdout.write(`${summarise(profiles, top)}\n`);
}
