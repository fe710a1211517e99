// `npm install` / `npm ci` run this: builds src/native (the posix_spawn addon the launchers use, and the confinement
// helper keyhole-confine that runs each command in a Landlock domain) with the node-gyp that npm provides to install
// scripts. A failure is reported, not fatal: without the addon the launchers spawn with child_process (fork), about
// 5 ms more per command (docs/BENCHMARKS.md); without the helper commands run unconfined and the server says so at
// start (or refuses to start with `confinement: required`). KEYHOLE_REQUIRE_NATIVE=1 makes a failure fatal.
import { spawnSync } from 'node:child_process';
import console from 'node:console';
import process from 'node:process';

if (process.platform !== 'linux') {
  console.log('keyhole: the posix_spawn addon is for Linux; commands will be spawned with child_process');
  process.exit(0);
}
const built = spawnSync('node-gyp', ['rebuild'], { cwd: 'src/native', stdio: 'inherit' });
if (built.status === 0) {
  console.log('keyhole: built the posix_spawn addon and the confinement helper (src/native/build/Release)');
} else {
  console.log('keyhole: could not build src/native (needs python3, make, a C compiler and the Linux headers);');
  console.log(
    '         commands will be spawned with child_process and run UNCONFINED; run `npm run install` once they are there',
  );
  if (process.env.KEYHOLE_REQUIRE_NATIVE === '1') process.exit(1);
}
