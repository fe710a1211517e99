// Findings 2, 3 and 10 of issue 10, as an attacker would try them against the real server: the path check raced by a
// local user swapping a symlink in, recursive options following a symlink out of a root, a planted setuid binary,
// and signals to other sessions' commands or to Keyhole. The kernel (Landlock, no_new_privs) is what must stop them.
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { connectSsh2, execOn, ssh2Exec } from '../helpers/clients.ts';
import { descendantNamed } from '../helpers/processes.ts';
import { withServer, type TestServer } from '../helpers/server.ts';
import { loadConfigFile } from '../../src/config/load.ts';

const asRoot = process.getuid?.() === 0 ? test : test.skip;
const FLAG = 'FLAG-ROOT-ONLY-7f3a';
const SWAPPER_UID = 65533;

const exec = (s: TestServer, command: string) => ssh2Exec(s.port, 'deploy', { privateKey: s.keys.deploy }, command);

// A root-only directory next to the served one (mode 0700, owned by root) holding the flag in a/flag.txt.
function plantSecret(s: TestServer): string {
  chmodSync(s.dir, 0o755); // so that the swapper (another uid) can reach the served directory
  chmodSync(s.srv, 0o755);
  const secret = path.join(s.dir, 'secret');
  mkdirSync(path.join(secret, 'a'), { recursive: true, mode: 0o700 });
  chmodSync(secret, 0o700);
  writeFileSync(path.join(secret, 'a', 'flag.txt'), `${FLAG}\n`, { mode: 0o600 });
  return secret;
}

// The tests below mean something only if the server confines: the helper is built and the kernel has Landlock 6+.
asRoot('the test servers run their commands confined', async (t) => {
  const s = await withServer(t);
  const loaded = loadConfigFile(s.configFile);
  if (!loaded.ok) return t.fail(loaded.errors.join('; '));
  t.log(loaded.config.confinement);
  t.not(loaded.config.confinement.helper, null, 'the helper is built (npm install)');
  t.true(loaded.config.confinement.landlockAbi >= 6, 'this kernel scopes signals and sockets');
  const start = s.audit.records.find((r) => r.event === 'server-start');
  t.like(start, { confinement: { mode: 'auto', helper: true, landlockAbi: loaded.config.confinement.landlockAbi } });
});

asRoot('a swapper racing the path check never gets a root-only file read (300 runs)', async (t) => {
  const s = await withServer(t);
  const secret = plantSecret(s);
  const incoming = path.join(s.srv, 'incoming');
  mkdirSync(path.join(incoming, 'r', 'a'), { recursive: true });
  writeFileSync(path.join(incoming, 'r', 'a', 'flag.txt'), 'decoy\n');
  for (const p of [incoming, path.join(incoming, 'r'), path.join(incoming, 'r', 'a')]) {
    chownSync(p, SWAPPER_UID, SWAPPER_UID);
  }
  chmodSync(incoming, 0o777);
  symlinkSync(secret, path.join(incoming, 'l'));
  const script = `const fs = require('fs'); const [r, d, l] = ['r', 'd', 'l'].map((n) => process.argv[1] + '/' + n);
    for (;;) { try { fs.renameSync(r, d); fs.renameSync(l, r); } catch {} try { fs.renameSync(r, l); fs.renameSync(d, r); } catch {} }`;
  const swapper = spawn(process.execPath, ['-e', script, incoming], {
    uid: SWAPPER_UID,
    gid: SWAPPER_UID,
    stdio: 'ignore',
  });
  t.teardown(() => swapper.kill('SIGKILL'));
  const client = await connectSsh2(s.port, 'deploy', { privateKey: s.keys.deploy });
  t.teardown(() => client.end());
  const seen = { flag: 0, decoy: 0, refused: 0, denied: 0 };
  for (let i = 0; i < 300; i++) {
    const r = await execOn(client, `cat ${incoming}/r/a/flag.txt`);
    if (r.stdout.includes(FLAG)) seen.flag++;
    else if (r.stdout.includes('decoy')) seen.decoy++;
    else if (r.code === 126) seen.refused++;
    else seen.denied++;
  }
  t.log('outcomes of 300 runs', seen);
  t.is(seen.flag, 0, 'the root-only flag was never printed');
  t.true(seen.decoy > 0, 'the race was run: some runs read the decoy');
});

asRoot('grep -R does not follow a symlink out of its root', async (t) => {
  const s = await withServer(t, {
    commands: { grep: "{ program: /usr/bin/grep, flags: [-R], valueFlags: { -e: '[A-Za-z]+' }, paths: [$SRV] }" },
    operatorCommands: ['grep'],
  });
  const secret = plantSecret(s);
  mkdirSync(path.join(s.srv, 'incoming'));
  symlinkSync(secret, path.join(s.srv, 'incoming', 'lnk'));
  writeFileSync(path.join(s.srv, 'incoming', 'inside.txt'), 'FLAG-inside\n');
  const r = await exec(s, `grep -R -e FLAG ${s.srv}/incoming`);
  t.regex(r.stdout, /FLAG-inside/, 'files inside the root are searched');
  t.notRegex(r.stdout, new RegExp(FLAG), 'the file behind the symlink is not');
  t.regex(r.stderr, /Permission denied/);
});

asRoot('a planted setuid-root copy of id never runs as root; commands have NoNewPrivs', async (t) => {
  const s = await withServer(t, {
    commands: {
      run: '{ program: /usr/bin/env, args: any, allowDangerousArgs: true }',
      status: '{ program: /bin/cat, fixedArgs: [/proc/self/status], args: none }',
    },
    operatorCommands: ['run', 'status'],
  });
  const planted = path.join(s.srv, 'id'); // setuid root, inside a root the commands may read
  copyFileSync('/usr/bin/id', planted);
  chmodSync(planted, 0o4755);
  const r = await exec(s, `run ${planted} -u`);
  t.log('setuid id:', r.code, r.stdout.trim(), r.stderr.trim());
  t.not(r.stdout.trim(), '0', 'its euid is not 0');
  t.not(r.code, 0, 'a binary planted in a read root does not even execute');
  const status = await exec(s, 'status');
  t.regex(status.stdout, /^NoNewPrivs:\s+1$/m);
  t.regex(status.stdout, /^CapBnd:\s+0*[04]$/m, 'the bounding set keeps CAP_DAC_READ_SEARCH at most');
});

asRoot("a command cannot signal another session's command or Keyhole, nor read its environment", async (t) => {
  const s = await withServer(t, {
    commands: {
      signal: "{ program: /usr/bin/kill, flags: ['-0', '-9'], patterns: ['[0-9]+'] }",
      peek: "{ program: /bin/cat, paths: ['/proc'] }",
    },
    operatorCommands: ['signal', 'peek'],
  });
  const victim = await connectSsh2(s.port, 'deploy', { privateKey: s.keys.deploy });
  t.teardown(() => victim.end());
  const running = execOn(victim, 'sleep 43');
  const pid = await descendantNamed('sleep');
  const killed = await exec(s, `signal -9 ${pid}`);
  t.not(killed.code, 0, `kill -9 of another session's command is refused (${killed.stderr.trim()})`);
  const peek = await exec(s, `peek /proc/${pid}/environ`);
  t.notRegex(peek.stdout, /KEYHOLE_SESSION/, "the other command's environment is not readable (ptrace check)");
  const server = await exec(s, `signal -0 ${process.pid}`);
  t.not(server.code, 0, `Keyhole cannot be signalled (${server.stderr.trim()})`);
  process.kill(pid, 0); // the victim still runs
  process.kill(pid, 'SIGTERM');
  await running;
});
