// keyhole-v1 against the real server, frame by frame, as docs/PROTOCOL.md describes it: hello, runs and their order,
// several runs in flight, cancel, timeouts, refusals, bad frames, limits, stdin, env, output, the end of a session.
import type { ExecutionContext } from 'ava';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MAX_FRAME_BYTES } from '../../src/protocol/frames.ts';
import { VERSION } from '../../src/version.ts';
import { loginProtocol, runTo, type Frame, type ProtocolChannel } from '../helpers/protocol.ts';
import { serverPerFile, type TestServer } from '../helpers/server.ts';

// The program of the command `gone`, deleted once the config has loaded (by the hook below): it can no longer start.
const GONE = path.join(mkdtempSync(path.join(tmpdir(), 'keyhole-gone-')), 'gone');
copyFileSync('/bin/echo', GONE);
const BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

// Every test logs in at the same moment: the shared config's maxStartups (200, not the default 10) allows it.
const test = serverPerFile<{ big: Buffer }>({
  commands: {
    'cat-in': '{ program: /bin/cat, args: none, interactive: true }',
    gone: `{ program: ${GONE}, args: none }`,
  },
  operatorCommands: ['cat-in', 'gone'],
  // The tests run at once over shared connections: the per-connection and per-user limits are tested elsewhere.
  limits:
    'maxOutputBytes: 8MiB, maxRunsPerSession: 4, maxRunsPerConnection: 1000, maxChannelsPerConnection: 1000, maxCommandsPerUser: 1000',
});
type T = ExecutionContext<{ s: TestServer; big: Buffer }>;

// Runs after serverPerFile's hook has started the server.
test.before((t) => {
  rmSync(path.dirname(GONE), { recursive: true });
  t.context.big = randomBytes(5_000_000);
  writeFileSync(path.join(t.context.s.srv, 'bytes.bin'), BYTES);
  writeFileSync(path.join(t.context.s.srv, 'big.bin'), t.context.big);
});

/** Opens keyhole-v1 as a user for this test (closed when it ends), its hello received. */
async function open(t: T, user: 'deploy' | 'boss' = 'deploy'): Promise<ProtocolChannel & { hello: Frame }> {
  const { client, p, hello } = await loginProtocol(t.context.s, user);
  t.teardown(() => client.end());
  return Object.assign(p, { hello });
}

const run = runTo;

/** A run's frames are `started`, output, one `exit`; or one `error` and nothing else. */
function wellOrdered(t: T, frames: Frame[]): void {
  const types = frames.map((f) => f.type);
  if (types[0] === 'error') return void t.deepEqual(types, ['error']);
  t.is(types[0], 'started', types.join(' '));
  t.is(types.at(-1), 'exit', types.join(' '));
  t.true(
    types.slice(1, -1).every((type) => type === 'stdout' || type === 'stderr'),
    types.join(' '),
  );
}

/** True while a process with exactly this command line exists. */
const running = (args: string) =>
  execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .split('\n')
    .some((l) => l.trim() === args);

test('the server speaks first: hello with its version, the protocol, the user, the role and the limits', async (t) => {
  const { hello, frames } = await open(t);
  t.is(frames[0], hello);
  t.like(hello, { server: `keyhole/${VERSION}`, protocol: 1, versions: [1], user: 'deploy', role: 'operator' });
  t.is(hello.admin, false);
  t.regex(String(hello.session), /^s\d+$/);
  t.deepEqual(hello.limits, {
    maxFrameBytes: MAX_FRAME_BYTES,
    maxRuns: 4,
    commandTimeoutMs: 20_000,
    maxOutputBytes: 8 * 1024 * 1024,
    maxLineBytes: 8192,
    idleTimeoutMs: 0,
  });
});

test('a run answers started, its output and its exit, in that order, audited as via protocol', async (t) => {
  const p = await open(t);
  p.send({ type: 'hello', client: 'conformance', versions: [1] });
  const exit = await run(p, 'a', ['echo', 'hello', 'audit-marker-1']);
  wellOrdered(t, p.of('a'));
  t.like(exit, { code: 0, signal: null, truncated: false, timedOut: false, canceled: false });
  t.true(Number.isInteger(exit.durationMs) && (exit.durationMs as number) >= 0);
  t.regex(String(p.of('a')[0]!.run), /^r\d+$/, 'started carries a run id, not a pid');
  t.is(p.output('a').toString(), 'hello audit-marker-1\n');
  const mine = (r: { event: string; argv?: readonly string[] }) => r.argv?.includes('audit-marker-1') === true;
  const command = await t.context.s.waitForAudit((r) => r.event === 'command' && mine(r));
  // The records carry the client's id, the server's run name and the name from hello, so a run's frames and its
  // audit lines meet.
  const labels = { id: 'a', run: p.of('a')[0]!.run, client: 'conformance' };
  t.like(command, { allowed: true, user: 'deploy', via: 'protocol', session: p.hello.session, ...labels });
  t.like(await t.context.s.waitForAudit((r) => r.event === 'exit' && mine(r)), { code: 0, canceled: false, ...labels });
});

test('several runs are in flight at once, their frames tagged by id, each ending exactly once', async (t) => {
  const p = await open(t);
  p.send({ type: 'run', id: 'long', argv: ['sleep', '3601'] });
  p.send({ type: 'run', id: 'short', argv: ['sleep', '1'] });
  p.send({ type: 'run', id: 'one', argv: ['echo', 'one'] });
  p.send({ type: 'run', id: 'two', argv: ['echo', 'two'] });
  await Promise.all(['short', 'one', 'two'].map((id) => p.end(id)));
  t.deepEqual(
    p.of('long').map((f) => f.type),
    ['started'],
    'three runs ended while the first was still running',
  );
  p.send({ type: 'cancel', id: 'long' });
  await p.end('long');
  for (const id of ['long', 'short', 'one', 'two']) wellOrdered(t, p.of(id));
  t.like(p.of('short').at(-1), { code: 0 });
  t.is(p.output('one').toString(), 'one\n');
  t.is(p.output('two').toString(), 'two\n');
});

test('cancel ends a run with canceled true and code 130, and leaves no process behind', async (t) => {
  const p = await open(t);
  p.send({ type: 'run', id: 'c', argv: ['sleep', '3602'] });
  await p.next((f) => f.id === 'c' && f.type === 'started');
  p.send({ type: 'cancel', id: 'c' });
  t.like(await p.end('c'), { type: 'exit', code: 130, canceled: true, timedOut: false });
  t.false(running('sleep 3602'));
  wellOrdered(t, p.of('c'));
  const audited = await t.context.s.waitForAudit((r) => r.event === 'exit' && r.argv.includes('3602'));
  t.like(audited, { canceled: true, code: 130 });
});

test('cancel of a run that is not in flight answers no_such_run', async (t) => {
  const p = await open(t);
  await run(p, 'done', ['echo', 'x']);
  p.send({ type: 'cancel', id: 'done' });
  p.send({ type: 'cancel', id: 'ghost' });
  t.like(await p.next((f) => f.id === 'ghost'), { type: 'error', code: 'no_such_run' });
  t.like(await p.next((f) => f.id === 'done' && f.type === 'error'), { code: 'no_such_run' });
});

test('a run that passes its timeout exits with timedOut true and code 124', async (t) => {
  const p = await open(t);
  t.like(await run(p, 'slow', ['slow']), { type: 'exit', code: 124, timedOut: true, canceled: false });
});

test('timeoutMs shortens the configured timeout', async (t) => {
  const p = await open(t);
  t.like(await run(p, 't', ['sleep', '3603'], { timeoutMs: 200 }), { code: 124, timedOut: true });
  t.false(running('sleep 3603'));
});

test('timeoutMs cannot lengthen the configured timeout', async (t) => {
  const p = await open(t);
  const exit = await run(p, 't', ['slow'], { timeoutMs: 600_000 });
  t.like(exit, { code: 124, timedOut: true });
  t.true((exit.durationMs as number) < 30_000, 'slow (sleep 30) was stopped by its own 300 ms timeout');
});

const refused = test.macro({
  async exec(t, argv: string[], code: string, message: RegExp) {
    const p = await open(t);
    const args = argv.map((a) => a.replace('$SRV', t.context.s.srv));
    const error = await run(p, 'x', args);
    t.like(error, { type: 'error', id: 'x', code });
    t.regex(String(error.message), message);
    wellOrdered(t, p.of('x'));
    t.like(await run(p, 'after', ['echo', 'still here']), { type: 'exit', code: 0 }, 'the channel goes on');
  },
  title: (_title, argv, code) => `run ${JSON.stringify(argv).slice(0, 60)} is refused with ${code}`,
});

test(refused, ['ls', '/etc'], 'denied', /outside the allowed directories/);
test(refused, ['date', '-s', 'now'], 'denied', /takes no arguments/);
test(refused, ['cat', '$SRV/../keyhole.yaml'], 'denied', /outside/);
test(refused, ['echo', 'a\u0000b'], 'denied', /control character/);
test(refused, ['/bin/sh', '-c', 'id'], 'denied', /commands are named, not given by path/);
test(refused, ['id'], 'unknown_command', /unknown command 'id'/);
test(refused, ['help'], 'unknown_command', /builtin.*list frame/);
test(refused, ['sessions'], 'unknown_command', /sessions frame/);
test(refused, ['shutdown'], 'unknown_command', /shutdown frame/);
test(refused, ['kill', 's1'], 'unknown_command', /kill frame/);
test(refused, ['exit'], 'unknown_command', /EOF/);
test(refused, ['admin'], 'unknown_command', /elevate frame/);
test(refused, ['whoami'], 'unknown_command', /builtin.*hello frame/);
test(refused, ['show_clients'], 'unknown_command', /sessions frame/);
test(refused, ['echo', 'x'.repeat(9000)], 'too_large', /more than the limit of 8192/);

test('refused runs are audited with their code, 126 for denied and 127 for unknown', async (t) => {
  const p = await open(t);
  await run(p, 'd', ['ls', '/etc/refused-marker']);
  await run(p, 'u', ['refused-marker']);
  const { s } = t.context;
  const denied = await s.waitForAudit((r) => r.event === 'command' && r.argv.includes('/etc/refused-marker'));
  t.like(denied, { allowed: false, code: 126, via: 'protocol', id: 'd' });
  const unknown = await s.waitForAudit((r) => r.event === 'command' && r.argv[0] === 'refused-marker');
  t.like(unknown, { allowed: false, code: 127, via: 'protocol', id: 'u' });
  t.regex(String(unknown.event === 'command' && unknown.run), /^r\d+$/, 'a refused run is named too');
  t.false('client' in unknown, 'no hello, no client name');
});

const answered = test.macro({
  async exec(t, raw: string | (() => string), code: string, id?: string) {
    const p = await open(t);
    const from = p.frames.length;
    p.send(typeof raw === 'string' ? `${raw}\n` : `${raw()}\n`);
    const error = await p.next((f) => f.type === 'error', from);
    t.like(error, { code, id });
    t.is(typeof error.message, 'string');
    t.like(await run(p, 'after', ['echo', 'ok']), { type: 'exit', code: 0 }, 'the channel still works');
    t.is(p.frames.filter((f) => f.type === 'error').length, 1, 'one error frame per bad frame');
  },
  title: (title, raw, code) => `${title ?? JSON.stringify(raw)} gets ${code}, and the channel goes on`,
});

test(answered, 'echo hi', 'bad_frame');
test(answered, '[1,2]', 'bad_frame');
test(answered, '{"id":"n1"}', 'bad_frame', 'n1');
test(answered, '{"type":"launch","id":"u1"}', 'unknown_type', 'u1');
test(answered, '{"type":"run","id":"m1"}', 'bad_frame', 'm1');
test(answered, '{"type":"run","argv":["echo"]}', 'bad_frame');
test(answered, '{"type":"run","id":"m2","argv":["echo",1]}', 'bad_frame', 'm2');
test(answered, '{"type":"run","id":"m3","argv":["echo"],"timeoutMs":-1}', 'bad_frame', 'm3');
test(answered, '{"type":"run","id":"m4","argv":["cat-in"],"stdin":"***"}', 'bad_frame', 'm4');
test(answered, '{"type":"run","id":"m5","argv":["sh-env"],"env":{"LANG":5}}', 'bad_frame', 'm5');
test(answered, '{"type":"kill","id":"m6"}', 'bad_frame', 'm6');
test(answered, '{"type":"cancel"}', 'bad_frame');
test(answered, '{"type":"hello","versions":[7]}', 'unsupported_version');
test('a line of more than 1 MiB', answered, () => 'x'.repeat(MAX_FRAME_BYTES + 1), 'too_large');
test(
  'a run frame of more than 1 MiB',
  answered,
  () => JSON.stringify({ type: 'run', id: 'huge', argv: ['echo', 'y'.repeat(MAX_FRAME_BYTES)] }),
  'too_large',
);

test('CRLF line endings and blank lines are accepted', async (t) => {
  const p = await open(t);
  p.send('\r\n\r\n{"type":"run","id":"crlf","argv":["echo","ok"]}\r\n');
  t.like(await p.end('crlf'), { type: 'exit', code: 0 });
  t.is(p.frames.filter((f) => f.type === 'error').length, 0);
});

test('more runs than maxRunsPerSession are refused with too_many_runs until one exits', async (t) => {
  const p = await open(t);
  const ids = ['l1', 'l2', 'l3', 'l4'];
  ids.forEach((id, i) => p.send({ type: 'run', id, argv: ['sleep', `361${i}`] }));
  await Promise.all(ids.map((id) => p.next((f) => f.id === id && f.type === 'started')));
  t.like(await run(p, 'over', ['echo', 'x']), { type: 'error', code: 'too_many_runs' });
  p.send({ type: 'cancel', id: 'l1' });
  await p.end('l1');
  t.like(await run(p, 'after', ['echo', 'x']), { type: 'exit', code: 0 });
  for (const id of ids.slice(1)) p.send({ type: 'cancel', id });
  await Promise.all(ids.map((id) => p.end(id)));
});

test('a second run with the id of one in flight gets duplicate_id; the first goes on', async (t) => {
  const p = await open(t);
  p.send({ type: 'run', id: 'dup', argv: ['sleep', '3620'] });
  await p.next((f) => f.id === 'dup' && f.type === 'started');
  p.send({ type: 'run', id: 'dup', argv: ['echo', 'second'] });
  t.like(await p.next((f) => f.id === 'dup' && f.type === 'error'), { code: 'duplicate_id' });
  p.send({ type: 'cancel', id: 'dup' });
  t.like(await p.next((f) => f.id === 'dup' && f.type === 'exit'), { canceled: true });
  t.deepEqual(
    p.of('dup').map((f) => f.type),
    ['started', 'error', 'exit'],
  );
  const from = p.frames.length;
  p.send({ type: 'run', id: 'dup', argv: ['echo', 'reused'] });
  t.like(await p.next((f) => f.id === 'dup' && f.type === 'exit', from), { code: 0 }, 'an id is free once it exited');
});

test('stdin reaches a command marked interactive, byte for byte', async (t) => {
  const p = await open(t);
  t.like(await run(p, 'in', ['cat-in'], { stdin: BYTES.toString('base64') }), { code: 0 });
  t.deepEqual(p.output('in'), BYTES);
  t.like(await run(p, 'none', ['cat-in']), { code: 0 }, 'without stdin it reads an empty input');
  t.is(p.output('none').length, 0);
});

test('stdin for a command not marked interactive is denied', async (t) => {
  const p = await open(t);
  const error = await run(p, 'in', ['echo', 'x'], { stdin: 'aGkK' });
  t.like(error, { type: 'error', code: 'denied' });
  t.regex(String(error.message), /not marked interactive/);
});

test('env names on the allow-list reach the command; others are denied', async (t) => {
  const p = await open(t);
  await run(p, 'ok', ['sh-env'], { env: { LANG: 'fr_FR.UTF-8', LC_TIME: 'C' } });
  const env = p.output('ok').toString().split('\n');
  t.true(env.includes('LANG=fr_FR.UTF-8'), env.join(' '));
  t.true(env.includes('LC_TIME=C'), env.join(' '));
  for (const name of ['LD_PRELOAD', 'PATH']) {
    const error = await run(p, name, ['sh-env'], { env: { [name]: '/tmp/x' } });
    t.like(error, { type: 'error', code: 'denied' });
    t.regex(String(error.message), new RegExp(`'${name}' is not accepted`));
  }
});

test('output is binary-safe: all 256 byte values come back as they are', async (t) => {
  const p = await open(t);
  await run(p, 'bin', ['cat', path.join(t.context.s.srv, 'bytes.bin')]);
  t.deepEqual(p.output('bin'), BYTES);
});

test('5 MB of output arrives complete and in order, to a client that reads slowly', async (t) => {
  const p = await open(t);
  // Read a chunk, then pause until the next turn of the event loop: the server must wait for us.
  p.channel.on('data', () => {
    p.channel.pause();
    setImmediate(() => p.channel.resume());
  });
  const exit = await run(p, 'big', ['cat', path.join(t.context.s.srv, 'big.bin')]);
  t.like(exit, { code: 0, truncated: false });
  t.true(p.of('big').length > 3, 'the output came in several frames');
  wellOrdered(t, p.of('big'));
  t.true(p.output('big').equals(t.context.big));
});

test('output past maxOutputBytes ends the run with truncated true', async (t) => {
  const p = await open(t);
  const exit = await run(p, 'flood', ['flood']);
  t.like(exit, { type: 'exit', truncated: true, timedOut: false });
  t.true(p.output('flood').length <= 8 * 1024 * 1024);
});

test('list shows the commands this user may run with their rules, and the frames it may send', async (t) => {
  const p = await open(t);
  p.send({ type: 'list', id: 'l' });
  const list = await p.next((f) => f.type === 'list');
  t.is(list.id, 'l');
  const commands = list.commands as { name: string; args: string; patterns: string[]; interactive: boolean }[];
  t.deepEqual(
    commands.map((c) => c.name),
    ['cat', 'cat-in', 'date', 'echo', 'false', 'flood', 'gone', 'ls', 'sh-env', 'sleep', 'slow'],
  );
  t.like(
    commands.find((c) => c.name === 'sleep'),
    { args: 'rules', patterns: ['[0-9]+'], maxArgs: 1 },
  );
  t.like(
    commands.find((c) => c.name === 'cat-in'),
    { args: 'none', interactive: true, rule: 'no arguments' },
  );
  t.deepEqual(list.frames, ['hello', 'run', 'cancel', 'list', 'elevate']); // deploy's role may elevate
});

test('a program that cannot start exits 127, and the exit frame says why', async (t) => {
  const p = await open(t);
  const exit = await run(p, 'g', ['gone']);
  t.like(exit, { type: 'exit', code: 127 });
  t.regex(String(exit.message), /^gone: .*not found/);
});
