// The front door under attack, against the real server with nothing exempt from penalties: 127.0.0.2 holds silent
// sockets and runs failing logins, 127.0.0.1 is the legitimate user. Covers the login grace time from TCP accept
// (grace-exceeded penalty), the per-source cap on unauthenticated connections, and the audit of both.
import test from 'ava';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import ssh2 from 'ssh2';
import type { AuditRecord } from '../../src/audit/events.ts';
import { startServeProcess } from '../helpers/cli.ts';
import { opensshExec, ssh2Exec } from '../helpers/clients.ts';
import { PASSWORD, withServer, withTestConfig } from '../helpers/server.ts';

const ATTACKER = '127.0.0.2';
const NO_EXEMPT = '{ exempt: [] }'; // the shared test config exempts 127.0.0.1: these tests must not rely on that

// Opens a TCP connection from `localAddress` that never sends a byte.
function silent(port: number, localAddress = ATTACKER): net.Socket {
  const socket = net.connect({ host: '127.0.0.1', port, localAddress });
  socket.on('error', () => undefined);
  socket.resume(); // reads (and drops) the server's version line, so that its close is seen
  return socket;
}

// An attacker that keeps `count` silent sockets open, opening a new one (after `delayMs`) whenever one is closed.
function holdSilent(port: number, count: number, delayMs = 100) {
  let running = true;
  const open = new Set<net.Socket>();
  const stats = { opened: 0, closed: 0 };
  const waiting: { count: number; resolve: () => void }[] = [];
  const one = (): void => {
    if (!running) return;
    const socket = silent(port);
    stats.opened++;
    open.add(socket);
    socket.once('close', () => {
      open.delete(socket);
      stats.closed++;
      for (const w of waiting.filter((w) => stats.closed >= w.count)) w.resolve();
      if (running) setTimeout(one, delayMs);
    });
  };
  for (let i = 0; i < count; i++) one();
  const stop = () => {
    running = false;
    for (const socket of open) socket.destroy();
  };
  // Resolves once `count` of its sockets have been closed (by the server, while it holds them).
  const closed = (count: number) => new Promise<void>((resolve) => waiting.push({ count, resolve }));
  return { stats, stop, closed };
}

// An attacker that runs `count` password guessers at once, each starting over (after `delayMs`) once dropped.
function guessers(port: number, count: number, delayMs = 100) {
  let running = true;
  const clients = new Set<ssh2.Client>();
  const stats = { connections: 0, attempts: 0, loggedIn: 0 };
  const one = (): void => {
    if (!running) return;
    const client = new ssh2.Client();
    clients.add(client);
    stats.connections++;
    let tries = 0;
    const again = () => {
      if (!clients.delete(client)) return;
      if (running) setTimeout(one, delayMs);
    };
    client.on('error', again);
    client.on('close', again);
    client.on('ready', () => (stats.loggedIn++, client.end()));
    client.connect({
      host: '127.0.0.1',
      port,
      localAddress: ATTACKER,
      username: 'alice',
      readyTimeout: 30_000,
      authHandler: (_left, _partial, next) => {
        stats.attempts++;
        next(++tries > 20 ? (false as never) : { type: 'password', username: 'alice', password: 'wrong' });
      },
    });
  };
  for (let i = 0; i < count; i++) one();
  const stop = () => {
    running = false;
    for (const client of clients) client.destroy();
  };
  return { stats, stop };
}

test.serial(
  'while 127.0.0.2 holds 1,000 silent sockets and 50 failing logins, 127.0.0.1 logs in every time',
  async (t) => {
    t.timeout(120_000);
    // The defaults (written out, since the shared test config raises them): maxStartups 100:30:1000, 10 per source.
    // The server runs in a process of its own, as it would on another machine than the attacker's.
    const limits = 'maxStartups: "100:30:1000", maxStartupsPerSource: 10, loginGraceTime: 30s, maxAuthTries: 6';
    const yaml = 'audit: { file: $DIR/audit.log }';
    const config = await withTestConfig(t, { limits, penalties: NO_EXEMPT, yaml });
    const server = await startServeProcess(config.configFile);
    t.teardown(() => server.child.kill('SIGKILL'));
    const brute = guessers(server.port, 50);
    const flood = holdSilent(server.port, 1000, 1000); // each of its 1,000 sockets reopened a second after a close
    t.teardown(() => (brute.stop(), flood.stop()));
    await flood.closed(2000); // the attack is well under way: the server has turned away 2,000 of its sockets
    for (let i = 1; i <= 5; i++) {
      const started = Date.now();
      const r = await opensshExec(server.port, 'alice', { password: PASSWORD }, config.dir, 'echo in');
      t.is(r.stdout, 'in\n', `login ${i} from 127.0.0.1`);
      t.log(`login ${i} from 127.0.0.1: ${Date.now() - started} ms`);
    }
    brute.stop();
    flood.stop();
    t.log(
      `attacker: ${flood.stats.opened} silent sockets opened, ${brute.stats.connections} guessing connections, ` +
        `${brute.stats.attempts} passwords tried`,
    );
    t.is(brute.stats.loggedIn, 0);
    server.child.kill('SIGTERM');
    t.is(await server.exited, 0);
    const audit = readFileSync(path.join(config.dir, 'audit.log'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as AuditRecord);
    const refused = audit.filter((r) => r.event === 'refused' && r.source === ATTACKER);
    const counts = refused.map((r) => (r.event === 'refused' ? `${r.reason} ${r.count}` : ''));
    t.log(`audit: ${refused.length} refused records (${counts.join(', ')})`);
    t.log(`audit: ${audit.filter((r) => r.event === 'penalty').length} penalty records`);
    t.true(refused.length <= 12, 'coalesced: one record per reason and 10 s, plus the count at the end of each window');
    t.false(audit.some((r) => (r.event === 'refused' || r.event === 'penalty') && r.source === '127.0.0.1'));
  },
);

test('a silent socket is closed after the login grace time and its source penalised (grace-exceeded)', async (t) => {
  const s = await withServer(t, {
    limits: 'loginGraceTime: 1s',
    penalties: '{ exempt: [], graceExceeded: 10s, threshold: 15s }',
  });
  const started = Date.now();
  const quiet = [silent(s.port), silent(s.port)];
  t.teardown(() => quiet.forEach((q) => q.destroy()));
  await Promise.all(quiet.map((q) => once(q, 'close')));
  t.log(`closed by the server after ${Date.now() - started} ms (loginGraceTime 1s)`);
  t.is(s.server.gateStats.graceExceeded, 2);
  // Two grace-exceeded (10 s each) make 20 s, past the 15 s threshold: recorded once, then the source is refused.
  const penalty = await s.waitForAudit((r) => r.event === 'penalty' && r.source === ATTACKER);
  t.like(penalty, { event: 'penalty', kind: 'grace-exceeded', added: 10 });
  t.true(penalty.event === 'penalty' && penalty.left > 15 && penalty.left <= 20);
  const again = silent(s.port);
  await once(again, 'close');
  const refused = await s.waitForAudit((r) => r.event === 'refused' && r.source === ATTACKER);
  t.like(refused, { event: 'refused', reason: 'penalty', count: 1 });
  t.true(refused.event === 'refused' && refused.left! > 10, `${JSON.stringify(refused)} says how long is left`);
  const legit = await ssh2Exec(s.port, 'alice', { password: PASSWORD }, 'echo still');
  t.is(legit.stdout, 'still\n', 'another source is not affected');
});

test('the grace time also ends a connection that sent its version line but never logged in', async (t) => {
  const s = await withServer(t, { limits: 'loginGraceTime: 1s', penalties: NO_EXEMPT });
  const talker = silent(s.port);
  talker.write('SSH-2.0-slowpoke\r\n');
  await once(talker, 'close');
  t.like(await s.waitForAudit((r) => r.event === 'disconnect'), { event: 'disconnect' }); // ssh2 had it: connected
  t.is(s.server.gateStats.graceExceeded, 1);
  t.is(s.server.gateStats.unauthenticated(), 0);
});

test('the 11th unauthenticated socket of one source is refused while other sources get in', async (t) => {
  const s = await withServer(t, { limits: 'maxStartupsPerSource: 10', penalties: NO_EXEMPT });
  const held = Array.from({ length: 10 }, () => silent(s.port));
  t.teardown(() => held.forEach((h) => h.destroy()));
  await Promise.all(held.map((h) => once(h, 'data'))); // each got the server's version line: admitted
  const eleventh = silent(s.port);
  await once(eleventh, 'close');
  t.is(s.server.gateStats.refusedPerSource, 1);
  t.like(await s.waitForAudit((r) => r.event === 'refused'), {
    source: ATTACKER,
    reason: 'startups-per-source',
    count: 1,
  });
  const other = silent(s.port, '127.0.0.3');
  t.teardown(() => other.destroy());
  await once(other, 'data');
  const legit = await ssh2Exec(s.port, 'alice', { password: PASSWORD }, 'echo in');
  t.is(legit.stdout, 'in\n');
});

test('maxStartups start:rate:full from the config: at full every new one is refused', async (t) => {
  const s = await withServer(t, { limits: 'maxStartups: "2:100:2"', penalties: NO_EXEMPT });
  const held = [silent(s.port, '127.0.0.4'), silent(s.port, '127.0.0.5')];
  t.teardown(() => held.forEach((h) => h.destroy()));
  await Promise.all(held.map((h) => once(h, 'data')));
  await once(silent(s.port, '127.0.0.6'), 'close');
  t.is(s.server.gateStats.refusedStartups, 1);
  t.like(await s.waitForAudit((r) => r.event === 'refused'), { source: '127.0.0.6', reason: 'startups' });
});
