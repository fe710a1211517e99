// The package as a user gets it: `npm pack`, installed from the tarball into an empty project, then the program and
// the library run on plain node (no tsx, no TypeScript), from an ES module and from CommonJS, against a live server.
// The library code is the README's own example, so the README cannot drift from what the package exports.
import test from 'ava';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withServer } from '../helpers/server.ts';
import { keygen } from '../helpers/config.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

// The environment of a user's shell: `npm test` sets npm_config_local_prefix and friends, which would point the inner
// npm at this repository. The cache, registry and node headers stay (CI's offline-ish machines need them).
function userEnv(): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_nodedir', 'npm_config_userconfig']);
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_') || keep.has(k)));
}

function run(cmd: string, args: string[], cwd: string) {
  return spawnSync(cmd, args, { cwd, env: userEnv(), encoding: 'utf8', timeout: 240_000 });
}

// Without blocking this process, which serves the example's connection.
function runAsync(
  cmd: string,
  args: string[],
  cwd: string,
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env: userEnv(), encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ status: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr }),
    );
  });
}

// The README's library example, the fenced ```ts block under "The TypeScript client library".
function readmeLibraryExample(): string {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### The TypeScript client library'));
  const block = /```ts\n([\s\S]*?)```/.exec(section);
  if (!block?.[1]) throw new Error('README: no ```ts block under "The TypeScript client library"');
  return block[1];
}

let project = '';
test.before(() => {
  const out = mkdtempSync(path.join(tmpdir(), 'keyhole-pack-'));
  project = path.join(out, 'app');
  // dist/ is built by `npm test` (npm run build) before the tests; --ignore-scripts skips rebuilding it here.
  execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', out], {
    cwd: ROOT,
    env: userEnv(),
    stdio: 'pipe',
  });
  const tarball = readdirSync(out).find((f) => f.endsWith('.tgz'));
  if (tarball === undefined) throw new Error(`npm pack wrote no tarball into ${out}`);
  execFileSync('mkdir', [project]);
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  const installed = run(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', path.join(out, tarball)],
    project,
  );
  if (installed.status !== 0)
    throw new Error(`npm install of the tarball failed:\n${installed.stdout}${installed.stderr}`);
});
test.after.always(() => {
  if (project !== '') rmSync(path.dirname(project), { recursive: true, force: true });
});

test('the tarball holds the built program and library, not the sources or tests', (t) => {
  const pkg = path.join(project, 'node_modules/keyhole');
  t.truthy(readdirSync(path.join(pkg, 'dist')).includes('index.js'));
  t.truthy(readdirSync(path.join(pkg, 'dist')).includes('index.d.ts'));
  const top = readdirSync(pkg);
  t.false(top.includes('test'));
  t.false(top.includes('tsconfig.json'));
  t.deepEqual(readdirSync(path.join(pkg, 'src')), ['native']); // the addon's sources, built by its install script
});

test('the installed keyhole program prints the package version and checks a policy on plain node', (t) => {
  const bin = path.join(project, 'node_modules/.bin/keyhole');
  const version = run(bin, ['--version'], project);
  t.is(version.status, 0, version.stderr);
  t.is(version.stdout.trim(), VERSION);
  const key = readFileSync(`${keygen(project, 'ci')}.pub`, 'utf8').trim();
  const yaml = [
    'listen: { host: 127.0.0.1, port: 2222 }',
    `users: { ci: { authorizedKeys: ["${key}"], role: ops } }`,
    'roles: { ops: { commands: [uptime] } }',
    'commands: { uptime: { program: /usr/bin/uptime, args: none } }',
  ].join('\n');
  writeFileSync(path.join(project, 'keyhole.yaml'), `${yaml}\n`);
  const allowed = run(bin, ['check-policy', '-c', 'keyhole.yaml', 'ci', '--', 'uptime'], project);
  t.is(allowed.status, 0, allowed.stderr);
  const refused = run(bin, ['check-policy', '-c', 'keyhole.yaml', 'ci', '--', 'rm -rf /'], project);
  t.is(refused.status, 127, refused.stderr);
});

test("the README's library example runs as an ES module, and the library loads with require() and import()", async (t) => {
  const s = await withServer(t, {
    commands: { uptime: '{ program: /usr/bin/uptime, args: none }' },
    operatorCommands: ['uptime'],
  });
  writeFileSync(path.join(s.srv, 'app.log'), 'log line\n');
  const knownHosts = path.join(s.dir, 'known_hosts');
  const example = readmeLibraryExample()
    .replace("'db1.example.com'", "'127.0.0.1'")
    .replace('port: 2222', `port: ${s.port}`)
    .replace("'/home/ci/.ssh/deploy'", JSON.stringify(s.keys.deploy))
    .replace("knownHosts: '/home/ci/.ssh/known_hosts',", `knownHosts: ${JSON.stringify(knownHosts)}, acceptNew: true,`)
    .replace("'/srv/log/app.log'", JSON.stringify(path.join(s.srv, 'app.log')));
  const report = `console.log(JSON.stringify({ stdout, code, signal, ended: ended.code, commands: commands.map((c) => c.name) }));\n`;
  writeFileSync(path.join(project, 'example.mjs'), example + report);
  const esm = await runAsync(process.execPath, ['example.mjs'], project);
  t.is(esm.status, 0, esm.stderr);
  const [streamed, json] = esm.stdout.split(/\n(?=\{)/);
  t.is(streamed, 'log line'); // the stream's output, piped to stdout
  const result = JSON.parse(json ?? '') as { stdout: string; code: number; ended: number; commands: string[] };
  t.is(result.ended, 0);
  t.regex(result.stdout, /load average/);
  t.is(result.code, 0);
  t.true(result.commands.includes('uptime'));
  t.regex(esm.stderr, /^unknown_command 127 /m); // the refusal of `rm -rf /`, caught as RemoteError

  const cjs = `
const { connect, RemoteError } = require('keyhole');
(async () => {
  const viaImport = await import('keyhole');
  if (viaImport.RemoteError !== RemoteError) throw new Error('require() and import() gave two copies of the library');
  const client = await connect({ host: '127.0.0.1', port: ${s.port}, username: 'deploy',
    privateKeyPath: ${JSON.stringify(s.keys.deploy)}, knownHosts: ${JSON.stringify(knownHosts)} });
  const { stdout } = await client.run(['echo', 'from', 'commonjs']);
  client.close();
  process.stdout.write(stdout);
})().catch((err) => { console.error(err); process.exit(1); });
`;
  writeFileSync(path.join(project, 'example.cjs'), cjs);
  const required = await runAsync(process.execPath, ['example.cjs'], project);
  t.is(required.status, 0, required.stderr);
  t.is(required.stdout, 'from commonjs\n');
});

test('the typings resolve for a TypeScript user of the package', (t) => {
  writeFileSync(path.join(project, 'example.ts'), readmeLibraryExample());
  const tsconfig = {
    compilerOptions: {
      strict: true,
      module: 'nodenext',
      target: 'es2022',
      noEmit: true,
      skipLibCheck: true,
      types: ['node'],
      typeRoots: [path.join(ROOT, 'node_modules/@types')],
    },
    files: ['example.ts'],
  };
  writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify(tsconfig));
  const tsc = run(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', '.'], project);
  t.is(tsc.status, 0, tsc.stdout + tsc.stderr);
});
