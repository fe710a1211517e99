// Finding 6 of issue 10: limits per connection and per user. Session channels open at once per connection
// (maxChannelsPerConnection, OpenSSH MaxSessions), commands running at once per user across their sessions
// (maxCommandsPerUser), protocol runs in flight per connection across its channels (maxRunsPerConnection).
import test from 'ava';
import type { ClientChannel } from 'ssh2';
import type ssh2 from 'ssh2';
import type { AuditRecord } from '../../src/audit/events.ts';
import { collect, connectSsh2, execOn } from '../helpers/clients.ts';
import { loginProtocol, openProtocol } from '../helpers/protocol.ts';
import { PASSWORD, withServer, type TestServer } from '../helpers/server.ts';

type CommandRecord = Extract<AuditRecord, { event: 'command' }>;

const sleeps = (s: TestServer) =>
  s.audit.records.filter((r): r is CommandRecord => r.event === 'command' && r.allowed && r.argv[0] === 'sleep');

// Resolves once `n` records match, waiting on audit records as they are written.
async function waitForCount(s: TestServer, n: number, match: (r: AuditRecord) => boolean): Promise<void> {
  while (s.audit.records.filter(match).length < n) await new Promise((resolve) => s.audit.once('record', resolve));
}

function tryExec(client: ssh2.Client, command: string): Promise<ClientChannel | Error> {
  return new Promise((resolve) => client.exec(command, (err, channel) => resolve(err ?? channel)));
}

test('300 exec channels of sleep 60 on one connection: 10 run, the rest are refused and audited', async (t) => {
  const s = await withServer(t, { limits: 'maxCommandsPerUser: 1000' });
  const client = await connectSsh2(s.port, 'deploy', { privateKey: s.keys.deploy });
  t.teardown(() => client.end());
  const opened = await Promise.all(Array.from({ length: 300 }, () => tryExec(client, 'sleep 60')));
  const channels = opened.filter((c): c is ClientChannel => !(c instanceof Error));
  t.is(channels.length, 10);
  await waitForCount(s, 10, (r) => r.event === 'command' && r.argv[0] === 'sleep');
  t.is(sleeps(s).length, 10);
  t.is(s.server.registry.size, 1, 'still one session');
  const refused = s.audit.records.filter((r) => r.event === 'request-refused' && r.request === 'session');
  t.is(refused.length, 290);
  t.regex(String((refused[0] as { detail?: string }).detail), /10 channels open \(maxChannelsPerConnection\)/);
  // A channel that closes frees its place.
  const closing = collect(channels[0]!);
  channels[0]!.close();
  await closing;
  const again = await execOn(client, 'echo freed');
  t.is(again.stdout, 'freed\n');
});

test('commands running at once per user are limited across their sessions', async (t) => {
  const s = await withServer(t, { limits: 'maxCommandsPerUser: 2' });
  const first = await connectSsh2(s.port, 'deploy', { privateKey: s.keys.deploy });
  const second = await connectSsh2(s.port, 'deploy', { privateKey: s.keys.deploy });
  const other = await connectSsh2(s.port, 'alice', { password: PASSWORD });
  t.teardown(() => [first, second, other].forEach((c) => c.end()));
  void execOn(first, 'sleep 60').catch(() => undefined);
  void execOn(second, 'sleep 60').catch(() => undefined);
  await waitForCount(s, 2, (r) => r.event === 'command' && r.argv[0] === 'sleep');
  const refused = await execOn(second, 'echo three');
  t.is(refused.code, 126);
  t.is(refused.stderr, 'keyhole: deploy already runs 2 commands at once (limits.maxCommandsPerUser): wait for one\n');
  const record = s.audit.records.find((r) => r.event === 'command' && r.argv[0] === 'echo') as CommandRecord;
  t.like(record, { allowed: false, code: 126, user: 'deploy' });
  t.is((await execOn(other, 'echo alice')).stdout, 'alice\n', 'another user is not affected');
});

test('protocol runs in flight are limited per connection across its channels', async (t) => {
  const s = await withServer(t, { limits: 'maxRunsPerConnection: 3, maxRunsPerSession: 8' });
  const { client, p } = await loginProtocol(s, 'deploy');
  t.teardown(() => client.end());
  const q = await openProtocol(client);
  await q.next((f) => f.type === 'hello');
  p.send({ type: 'run', id: 'a', argv: ['sleep', '60'] });
  p.send({ type: 'run', id: 'b', argv: ['sleep', '60'] });
  q.send({ type: 'run', id: 'c', argv: ['sleep', '60'] });
  await Promise.all([
    p.next((f) => f.id === 'a' && f.type === 'started'),
    p.next((f) => f.id === 'b' && f.type === 'started'),
  ]);
  await q.next((f) => f.id === 'c' && f.type === 'started');
  q.send({ type: 'run', id: 'd', argv: ['echo', 'four'] });
  const refused = await q.end('d');
  t.like(refused, { type: 'error', code: 'too_many_runs' });
  t.regex(String(refused.message), /3 runs in flight \(limits\.maxRunsPerConnection\)/);
  t.like(
    s.audit.records.find((r) => r.event === 'command' && r.argv[0] === 'echo'),
    { allowed: false, id: 'd' },
  );
  p.send({ type: 'cancel', id: 'a' });
  await p.end('a');
  q.send({ type: 'run', id: 'e', argv: ['echo', 'five'] });
  t.like(await q.end('e'), { type: 'exit', code: 0 });
});
