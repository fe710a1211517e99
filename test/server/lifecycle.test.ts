// The whole program's lifecycle: admin shutdown and SIGTERM end it with status 0 while clients are connected,
// and a client that dies mid-command leaves no process behind.
import test from 'ava';
import { once } from 'node:events';
import { connectSsh2, opensshExec, opensshInteractive } from '../helpers/clients.ts';
import { startServeProcess } from '../helpers/cli.ts';
import { Screen } from '../helpers/screen.ts';
import { descendantNamed } from '../helpers/processes.ts';
import { withServer, withTestConfig } from '../helpers/server.ts';

test('shutdown_server by an admin ends keyhole with status 0 while a client is connected', async (t) => {
  const config = await withTestConfig(t);
  const server = await startServeProcess(config.configFile);
  t.teardown(() => server.child.kill('SIGKILL'));
  const held = opensshInteractive(server.port, 'deploy', { privateKey: config.keys.deploy }, config.dir);
  const screen = new Screen(held.stdout!, held.stderr!);
  const heldExit = once(held, 'exit');
  await screen.waitFor('deploy@');
  const r = await opensshExec(server.port, 'alice', { password: 'x' }, config.dir, 'shutdown_server');
  t.is(r.code, 255, 'a wrong password gets nowhere');
  const denied = await connectSsh2(server.port, 'deploy', { privateKey: config.keys.deploy });
  await new Promise<void>((resolve) => denied.exec('shutdown', (_e, ch) => ch.on('close', resolve).resume()));
  denied.end();
  const stop = await opensshExec(server.port, 'boss', { privateKey: config.keys.boss }, config.dir, 'shutdown_server');
  t.is(stop.code, 0);
  t.regex(stop.stdout, /shutting down/);
  t.is(await server.exited, 0);
  await screen.waitFor('shutting down');
  await heldExit;
});

test('SIGTERM shuts keyhole down gracefully with status 0', async (t) => {
  const config = await withTestConfig(t);
  const server = await startServeProcess(config.configFile);
  const client = await connectSsh2(server.port, 'deploy', { privateKey: config.keys.deploy });
  client.on('error', () => undefined);
  const closed = once(client, 'close');
  server.child.kill('SIGTERM');
  t.is(await server.exited, 0);
  await closed;
});

test('a client killed mid-command leaves no child process behind', async (t) => {
  const s = await withServer(t);
  const ssh = opensshInteractive(s.port, 'deploy', { privateKey: s.keys.deploy }, s.dir, 'sleep 77');
  await s.waitForAudit((a) => a.event === 'command' && a.argv[1] === '77');
  const pid = await descendantNamed('sleep');
  ssh.kill('SIGKILL');
  const exit = await s.waitForAudit((a) => a.event === 'exit' && a.argv[1] === '77');
  t.like(exit, { canceled: true });
  await s.waitForAudit((a) => a.event === 'disconnect' && a.user === 'deploy');
  t.throws(() => process.kill(pid, 0), { code: 'ESRCH' });
  t.is(s.server.registry.size, 0);
});
