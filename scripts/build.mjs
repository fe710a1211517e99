// `npm run build` (and `prepare`, which npm runs after `npm install`/`npm ci` in a clone and before `npm pack`):
// compiles src/ to JavaScript with .d.ts in dist/, so that `keyhole` and the library run on plain node with no
// TypeScript loader at run time. dist/ is rebuilt from nothing each time, so a file removed from src/ cannot linger.
import { spawnSync } from 'node:child_process';
import console from 'node:console';
import { copyFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

// npm runs scripts in the package folder; a direct `node scripts/build.mjs` from elsewhere must build the same.
process.chdir(fileURLToPath(new URL('..', import.meta.url)));

rmSync('dist', { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const built = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
if (built.status !== 0) {
  console.error('keyhole: the build failed (tsc -p tsconfig.build.json); fix the errors above, then `npm run build`');
  process.exit(built.status ?? 1);
}
// Plain JavaScript that tsc does not copy: the launcher processes start it with no loader at all.
copyFileSync('src/exec/launcher-child.mjs', 'dist/exec/launcher-child.mjs');
