// postinstall: applies patches/ (ssh2: client login with OpenSSH user certificates, see the patch's header) with
// patch-package to the ssh2 that this package actually resolves. `patch-package` alone patches node_modules/ssh2
// under the folder it runs in: right in this repository, wrong for an app that installs keyhole, where npm hoists
// ssh2 next to keyhole. In this repository a failure fails the install; in an app it is a warning, and the client
// says so again, in one line, only if a certificate is used (src/client/transport.ts).
import { spawnSync } from 'node:child_process';
import console from 'node:console';
import { createRequire } from 'node:module';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const ownCheckout = path.basename(path.dirname(root)) !== 'node_modules';

function give(message) {
  if (ownCheckout) {
    console.error(`keyhole: ${message}`);
    process.exit(1);
  }
  console.warn(`keyhole: warning: ${message}; login with a certificate will not work (everything else does)`);
  process.exit(0);
}

let ssh2Dir;
let patchPackage;
try {
  ssh2Dir = path.dirname(require.resolve('ssh2/package.json'));
  patchPackage = require.resolve('patch-package/index.js');
} catch (err) {
  give(`cannot apply patches/ to ssh2: ${err.message.split('\n')[0]}`);
}
// patch-package works on <app>/node_modules/ssh2, with the patch folder named relative to <app>.
const app = path.dirname(path.dirname(ssh2Dir));
const run = spawnSync(process.execPath, [patchPackage, '--patch-dir', path.relative(app, path.join(root, 'patches'))], {
  cwd: app,
  stdio: 'inherit',
});
if (run.status !== 0) give(`patch-package could not patch ${ssh2Dir} (exit ${run.status ?? run.signal})`);
