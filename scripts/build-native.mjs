// `npm install` / `npm ci` run this: builds src/native (the posix_spawn addon the launchers use) with the node-gyp
// that npm provides to install scripts. Failing costs speed, not function: without the addon the launchers spawn
// with child_process (fork), about 5 ms more per command (docs/BENCHMARKS.md). So a failure is reported, not fatal,
// unless KEYHOLE_REQUIRE_NATIVE=1 (for a packager who wants to be sure the fast path is there).
import { spawnSync } from 'node:child_process';
import console from 'node:console';
import process from 'node:process';

if (process.platform !== 'linux') {
  console.log('keyhole: the posix_spawn addon is for Linux; commands will be spawned with child_process');
  process.exit(0);
}
const built = spawnSync('node-gyp', ['rebuild'], { cwd: 'src/native', stdio: 'inherit' });
if (built.status === 0) {
  console.log('keyhole: built the posix_spawn addon (src/native)');
} else {
  console.log('keyhole: could not build the posix_spawn addon (needs python3, make and a C compiler);');
  console.log(
    '         commands will be spawned with child_process, which is slower; run `npm run install` once they are there',
  );
  if (process.env.KEYHOLE_REQUIRE_NATIVE === '1') process.exit(1);
}
