// Faults against the real `keyhole serve` process: SIGTERM under load drains and exits 0, SIGHUP keeps the old config
// when the new one is broken and applies a good one to live sessions, and an audit log that cannot be written stops
// logins and commands instead of letting them run unaudited. `npm run stress` raises the load (STRESS=1).
import test, { type ExecutionContext } from 'ava';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type ssh2 from 'ssh2';
import type { ClientChannel } from 'ssh2';
import { startServeProcess } from '../helpers/cli.ts';
import { collect, connectSsh2, execOn, type ExecResult } from '../helpers/clients.ts';
import type { Screen } from '../helpers/screen.ts';
import { withTestConfig, type ServerOptions } from '../helpers/server.ts';

const STRESS = process.env.STRESS === '1';
const SLEEPERS = STRESS ? 50 : 8;
const LOOPERS = STRESS ? 20 : 4;

// Writes a test config with room for many logins and starts `keyhole serve` on it; both are cleaned up after the test.
async function serve(t: ExecutionContext, options: ServerOptions = {}) {
  const limits = `maxStartups: 1000, maxSessionsPerUser: 1000, maxCommandsPerUser: 1000, ${options.limits ?? ''}`;
  const config = await withTestConfig(t, { ...options, limits });
  const server = await startServeProcess(config.configFile);
  t.teardown(() => server.child.exitCode === null && server.child.kill('SIGKILL'));
  return { config, server, login: () => connectSsh2(server.port, 'deploy', { privateKey: config.keys.deploy }) };
}

// Resolves once `pattern` has appeared `n` times in the log (each audit line is one JSON line on stderr).
async function waitForCount(log: Screen, pattern: RegExp, n: number): Promise<void> {
  let from = 0;
  for (let i = 0; i < n; i++) {
    const text = await log.waitFor(pattern, from);
    const hit = pattern.exec(text.slice(from))!;
    from += hit.index + hit[0].length;
  }
}

// The audit lines the server wrote to its stderr (no audit file configured).
function auditLines(log: Screen): Record<string, unknown>[] {
  return log.text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

// Runs `echo` on one connection again and again, until `after` more have run once `from` resolved (or one gets no exit
// status: the connection is ending); resolves with every result. Looping until 'close' instead would spin: exec on a
// dead connection fails at once, in a microtask.
async function echoLoop(
  client: ssh2.Client,
  tag: string,
  from: Promise<unknown>,
  after: number,
): Promise<ExecResult[]> {
  const results: ExecResult[] = [];
  let start = Infinity;
  void from.then(() => (start = results.length));
  client.on('error', () => undefined);
  while (results.length < start + after && results.at(-1)?.code !== null) {
    results.push(
      await execOn(client, `echo ${tag}`).catch((e: Error) => ({ stdout: '', stderr: e.message, code: null })),
    );
  }
  return results;
}

// `anchor` runs until the test ends its input: while it runs the server is never idle, so the drain cannot end between
// two commands of a loop (which would cut the next one) however slow the machine is.
const ANCHOR = { anchor: '{ program: /bin/cat, args: none, interactive: true }' };

test(`SIGTERM while ${SLEEPERS} commands run and ${LOOPERS} clients keep going: they drain, and keyhole exits 0`, async (t) => {
  const { server, login } = await serve(t, {
    commands: ANCHOR,
    operatorCommands: ['anchor'],
    limits: 'shutdownGrace: 60s',
  });
  const sleepers = await Promise.all(Array.from({ length: SLEEPERS }, login));
  const loopers = await Promise.all(Array.from({ length: LOOPERS }, login));
  const holder = await login();
  const anchor = await new Promise<ClientChannel>((resolve, reject) =>
    holder.exec('anchor', (err, ch) => (err ? reject(err) : resolve(ch))),
  );
  const anchored = collect(anchor);
  const slept = sleepers.map((c) => execOn(c, 'sleep 1'));
  // The loops go on through SIGTERM and run three more commands each during the drain.
  const draining = server.log.waitFor('shutting down');
  const looped = loopers.map((c, i) => echoLoop(c, `loop-${i}`, draining, 3));
  await waitForCount(server.log, /"event":"command"[^\n]*"argv":\["(sleep","1|anchor)"\]/, SLEEPERS + 1);
  server.child.kill('SIGTERM');
  await draining;
  // The listener closes right after that line: a connection racing it is reset from the backlog, never served.
  const refused = net.connect(server.port, '127.0.0.1');
  const code = await new Promise((r) => refused.on('error', (e: NodeJS.ErrnoException) => r(e.code)));
  t.true(code === 'ECONNREFUSED' || code === 'ECONNRESET', `a new connection is not served (${String(code)})`);
  for (const r of await Promise.all(slept)) {
    t.is(r.code, 0, 'a running command finishes within the grace');
    t.regex(r.stderr, /the server is shutting down \(SIGTERM\)/);
  }
  const loops = (await Promise.all(looped)).flat();
  t.true(
    loops.every((r) => r.code === 0 && /^loop-\d+\n$/.test(r.stdout)),
    'every loop command ran fully, those started during the drain too',
  );
  anchor.end();
  t.is((await anchored).code, 0);
  t.is(await server.exited, 0);
  const audit = auditLines(server.log);
  const exits = audit.filter((a) => a.event === 'exit');
  t.true(
    exits.every((a) => a.code === 0 && !a.canceled),
    'every command finished by itself, none was killed',
  );
  const commands = audit.filter((a) => a.event === 'command' && a.allowed).length;
  t.is(exits.length, commands, 'every command has its exit record');
  t.is(audit.at(-1)?.event, 'server-stop');
  t.log(
    `${SLEEPERS} sleeps drained; ${loops.length} loop commands ran; ${commands} commands, ${exits.length} exits audited`,
  );
});

// Found by this file: the drain used to record `server-stop` without waiting for the exit records of the commands
// it had just killed, and (found by CI) without waiting for the disconnect records of the connections it closed. It
// now waits (bounded) until no line or run is in progress and every connection's disconnect is audited.
test('a command killed when the grace runs out still gets its exit record before server-stop', async (t) => {
  const { server, login } = await serve(t, { limits: 'shutdownGrace: 500ms' });
  const client = await login();
  client.on('error', () => undefined);
  void execOn(client, 'sleep 60').catch(() => undefined);
  await waitForCount(server.log, /"event":"command"[^\n]*"argv":\["sleep","60"\]/, 1);
  server.child.kill('SIGTERM');
  t.is(await server.exited, 0);
  const events = auditLines(server.log).map(
    (a) => `${String(a.event)}${a.event === 'exit' ? ` canceled=${a.canceled}` : ''}`,
  );
  t.is(events.at(-1), 'server-stop', 'server-stop is the last line');
  // The session's exit and disconnect records may come in either order, but both before server-stop.
  t.deepEqual(
    events.slice(-3, -1).sort(),
    ['disconnect', 'exit canceled=true'],
    `the killed command and its connection are audited before server-stop: ${events.join(', ')}`,
  );
});

test('SIGHUP with a broken config keeps the old one; a good one changes what new commands may run', async (t) => {
  const { config, server, login } = await serve(t);
  const live = await login();
  t.teardown(() => live.end());
  t.is((await execOn(live, 'date')).code, 0);
  for (const broken of ['users: [\n', `${config.yaml}\n  nothere: { program: /nonexistent/prog }\n`]) {
    const from = server.log.mark();
    writeFileSync(config.configFile, broken);
    server.child.kill('SIGHUP');
    await server.log.waitFor(/error reload refused problem=/, from);
    t.is((await execOn(live, 'date')).code, 0, 'the old config still allows date');
  }
  t.regex(server.log.text, /"event":"config-reload","ok":false/);
  const running = execOn(live, 'sleep 1');
  await server.log.waitFor(/"argv":\["sleep","1"\]/);
  writeFileSync(config.configFile, config.yaml.replace('commands: [echo, date, ', 'commands: [echo, '));
  const from = server.log.mark();
  server.child.kill('SIGHUP');
  await server.log.waitFor('config reloaded', from);
  t.is((await running).code, 0, 'a command running across the reload finishes');
  t.like(await execOn(live, 'date'), { code: 127 }, 'the live session uses the new allow-list');
  t.is((await execOn(live, 'echo still here')).stdout, 'still here\n');
  const fresh = await login();
  t.teardown(() => fresh.end());
  t.like(await execOn(fresh, 'date'), { code: 127 });
  t.is((await execOn(fresh, 'cat hello.txt')).stdout, 'srv-file\n');
});

// Starts `keyhole serve` with the audit in a file of the test's folder, and `mark`, a command that would leave a file
// behind if it ran: proof that nothing ran unaudited.
async function serveWithAuditFile(t: ExecutionContext) {
  const config = await withTestConfig(t, {
    commands: { mark: '{ program: /usr/bin/touch, paths: [$SRV] }' },
    operatorCommands: ['mark'],
    yaml: 'audit: { file: $DIR/audit.log }',
  });
  const auditFile = path.join(config.dir, 'audit.log');
  const server = await startServeProcess(config.configFile);
  t.teardown(() => server.child.exitCode === null && server.child.kill('SIGKILL'));
  return { config, server, auditFile };
}

test('an audit file on a full disk (/dev/full) stops keyhole at start, loudly, before it listens', async (t) => {
  const config = await withTestConfig(t, { yaml: 'audit: { file: /dev/full }' });
  const error = await t.throwsAsync(startServeProcess(config.configFile));
  t.regex(error.message, /^keyhole exited 1:/);
  t.regex(error.message, /error THE AUDIT LOG CANNOT BE WRITTEN: .* file="\/dev\/full" error="ENOSPC/);
  t.notRegex(error.message, /listening on/);
});

test('an audit file that stops taking writes refuses logins and commands until it works again', async (t) => {
  const { config, server, auditFile } = await serveWithAuditFile(t);
  const login = () => connectSsh2(server.port, 'deploy', { privateKey: config.keys.deploy });
  const live = await login();
  t.teardown(() => live.end());
  t.is((await execOn(live, 'echo before')).stdout, 'before\n');
  // Root ignores file modes, so the file is made unwritable with a file-size limit of 0 on the server (EFBIG).
  const limit = (size: string) => execFileSync('prlimit', ['--pid', String(server.child.pid), `--fsize=${size}:`]);
  limit('0');
  const marker = path.join(config.srv, 'marker');
  const refused = await execOn(live, `mark ${marker}`);
  t.is(refused.code, 1);
  t.is(refused.stderr, 'keyhole: the audit log cannot be written, so no command may run: tell the administrator\n');
  t.false(existsSync(marker), 'the command did not run');
  await server.log.waitFor(
    /error THE AUDIT LOG CANNOT BE WRITTEN: logins and commands are refused until it can .*EFBIG/,
  );
  await t.throwsAsync(login(), { message: /authentication methods failed/ }, 'a new login is refused');
  limit('unlimited');
  t.is((await execOn(live, 'echo after')).stdout, 'after\n', 'commands run again once the audit can be written');
  await server.log.waitFor('warn the audit log can be written again');
  const lines = readFileSync(auditFile, 'utf8');
  t.notRegex(lines, /marker/, 'no trace of the refused command: it was neither recorded nor run');
  t.regex(lines, /"argv":\["echo","after"\]/);
});

// Found by this file: `handle.write` may write only part of a batch (a disk that fills up, a file-size limit) and
// resolves with bytesWritten instead of failing. FileAudit now writes until every byte is down, so the next write
// fails and the command is refused; a line left unfinished is ended before the next one.
test('an audit line cut short by a nearly full disk refuses the command rather than run it', async (t) => {
  const { config, server, auditFile } = await serveWithAuditFile(t);
  const live = await connectSsh2(server.port, 'deploy', { privateKey: config.keys.deploy });
  t.teardown(() => live.end());
  await execOn(live, 'echo settled'); // its exit line is written before it answers: nothing is pending after it
  const room = statSync(auditFile).size + 20; // room for 20 more bytes: a part of the next line
  execFileSync('prlimit', ['--pid', String(server.child.pid), `--fsize=${room}:`]);
  const marker = path.join(config.srv, 'marker');
  const r = await execOn(live, `mark ${marker}`);
  t.false(existsSync(marker), 'the command did not run');
  t.is(r.code, 1);
});
