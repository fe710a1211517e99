// `keyhole exec` against a real server: exit codes, --json, known_hosts (unknown, accepted, changed), --hosts.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runKeyhole } from '../helpers/cli.ts';
import { PASSWORD, serverPerFile, type TestServer } from '../helpers/server.ts';

const test = serverPerFile();

let counter = 0;
// A fresh known_hosts file per call, already trusting the server unless `trusted` is false.
function knownHosts(s: TestServer, trusted = true): string {
  const file = path.join(s.dir, `known_hosts_${++counter}`);
  const pub = readFileSync(`${s.server.hostKeys[0]!.file}.pub`, 'utf8').split(' ');
  writeFileSync(file, trusted ? `[127.0.0.1]:${s.port} ${pub[0]} ${pub[1]}\n` : '');
  return file;
}
const target = (s: TestServer, user = 'deploy') => `${user}@127.0.0.1:${s.port}`;
// Key login as deploy to the test server, trusting its host key.
const asDeploy = (s: TestServer) => ['-i', s.keys.deploy, '--known-hosts', knownHosts(s), target(s)];
const exec = (s: TestServer, args: string[], env: Record<string, string> = {}) =>
  runKeyhole(['exec', ...args], '', env);

const passesStatus = test.macro({
  async exec(t, command: string[], code: number) {
    const { s } = t.context;
    const r = await exec(s, [...asDeploy(s), '--', ...command]);
    t.is(r.code, code, r.stderr);
  },
  title: (_t, command: string[], code: number) => `exec '${command.join(' ')}' exits ${code}`,
});
test(passesStatus, ['echo', 'hi'], 0);
test(passesStatus, ['false'], 1);
test(passesStatus, ['slow'], 124);
test(passesStatus, ['cat', '/etc/passwd'], 126);
test(passesStatus, ['vi'], 127);

test('stdout and stderr pass through apart', async (t) => {
  const { s } = t.context;
  const r = await exec(s, [...asDeploy(s), '--', 'ls', `${s.srv}/nope`]);
  t.is(r.code, 2);
  t.is(r.stdout, '');
  t.regex(r.stderr, /nope/);
});

test('--json prints one result object', async (t) => {
  const { s } = t.context;
  const r = await exec(s, ['--json', ...asDeploy(s), '--', 'echo', 'a b']);
  t.is(r.code, 0);
  const result = JSON.parse(r.stdout);
  t.like(result, { host: target(s), stdout: 'a b\n', stderr: '', code: 0, signal: null });
  t.is(typeof result.durationMs, 'number');
});

test('a password comes from KEYHOLE_PASSWORD; a wrong one exits 255 with a reason', async (t) => {
  const { s } = t.context;
  const ok = await exec(s, ['--known-hosts', knownHosts(s), target(s, 'alice'), '--', 'date'], {
    KEYHOLE_PASSWORD: PASSWORD,
  });
  t.is(ok.code, 0, ok.stderr);
  const bad = await exec(s, ['--known-hosts', knownHosts(s), target(s, 'alice'), '--', 'date'], {
    KEYHOLE_PASSWORD: 'nope',
  });
  t.is(bad.code, 255);
  t.regex(bad.stderr, /^keyhole: authentication failed/m);
});

test('an unknown host is refused, then accepted and recorded with --accept-new', async (t) => {
  const { s } = t.context;
  const file = knownHosts(s, false);
  const refused = await exec(s, ['-i', s.keys.deploy, '--known-hosts', file, target(s), '--', 'echo', 'x']);
  t.is(refused.code, 255);
  t.regex(refused.stderr, /host key for \[127\.0\.0\.1\]:\d+ is not known \(SHA256:[A-Za-z0-9+/]{43}\)/);
  const accepted = await exec(s, [
    '--accept-new',
    '-i',
    s.keys.deploy,
    '--known-hosts',
    file,
    target(s),
    '--',
    'echo',
    'x',
  ]);
  t.is(accepted.code, 0, accepted.stderr);
  t.regex(readFileSync(file, 'utf8'), new RegExp(`^\\[127\\.0\\.0\\.1\\]:${s.port} ssh-ed25519 `));
  const again = await exec(s, ['-i', s.keys.deploy, '--known-hosts', file, target(s), '--', 'echo', 'x']);
  t.is(again.code, 0);
});

test('a changed host key is refused even with --accept-new, and both fingerprints are shown', async (t) => {
  const { s } = t.context;
  const file = path.join(s.dir, 'known_hosts_changed');
  const other = readFileSync(`${s.keys.stranger}.pub`, 'utf8').split(' ');
  writeFileSync(file, `[127.0.0.1]:${s.port} ${other[0]} ${other[1]}\n`);
  const r = await exec(s, ['--accept-new', '-i', s.keys.deploy, '--known-hosts', file, target(s), '--', 'echo', 'x']);
  t.is(r.code, 255);
  t.regex(r.stderr, /HAS CHANGED: server offers SHA256:\S+, .*known_hosts_changed:1 has SHA256:\S+/);
  t.is(readFileSync(file, 'utf8').split('\n').filter(Boolean).length, 1, 'nothing was added');
});

test('--hosts runs on every host; a host that is down gets a FAILED line and the others succeed', async (t) => {
  const { s } = t.context;
  const hosts = path.join(s.dir, 'hosts');
  writeFileSync(hosts, `# fleet\n${target(s)}\ndeploy@127.0.0.1:1\n${target(s)}\n`);
  const r = await exec(s, ['-i', s.keys.deploy, '--known-hosts', knownHosts(s), '--hosts', hosts, '--', 'echo', 'up']);
  t.is(r.code, 1);
  t.is(r.stdout, `${target(s)}: up\n${target(s)}: up\n`);
  const summary = r.stderr.trim().split('\n');
  t.is(summary.length, 3);
  t.regex(summary[0]!, /\tok\t0\t\d+ms$/);
  t.regex(summary[1]!, /^deploy@127\.0\.0\.1:1\tFAILED\t255\tcannot connect/);
  const json = await exec(s, [
    '--json',
    '-i',
    s.keys.deploy,
    '--known-hosts',
    knownHosts(s),
    '--hosts',
    hosts,
    '--',
    'echo',
    'up',
  ]);
  t.deepEqual(
    json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).code),
    [0, 255, 0],
  );
});

// Issue 11, finding 7: one operand with spaces is a line, read as the shell reads it, as `ssh host 'CMD'` does.
test('one quoted operand is read as a line; several operands stay the argv', async (t) => {
  const { s } = t.context;
  const line = await exec(s, [...asDeploy(s), '--', `echo 'a  b' c`]);
  t.is(line.code, 0, line.stderr);
  t.is(line.stdout, 'a  b c\n');
  const argv = await exec(s, [...asDeploy(s), '--', 'echo', 'a  b c']);
  t.is(argv.stdout, 'a  b c\n');
  const refused = await exec(s, [...asDeploy(s), '--', 'echo hi | sh']);
  t.is(refused.code, 126);
  t.regex(refused.stderr.trim(), /^keyhole: the command line is refused: .*'\|'/);
});
