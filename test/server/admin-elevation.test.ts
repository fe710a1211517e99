// Finding 4 of issue 10: the admin password cannot be brute-forced. Failures count per user and per source across
// channels and connections, the answers slow down, a lock-out refuses even the right password and penalises the
// source, roles without `elevate: true` cannot elevate, and every attempt is audited.
import test from 'ava';
import { readFileSync } from 'node:fs';
import ssh2, { type ClientChannel } from 'ssh2';
import type { AuditRecord } from '../../src/audit/events.ts';
import { loadConfigText } from '../../src/config/load.ts';
import { execOn } from '../helpers/clients.ts';
import { Screen } from '../helpers/screen.ts';
import { ADMIN_PASSWORD, PASSWORD, withServer, type TestServer } from '../helpers/server.ts';

// Short waits so the test stays quick; 127.0.0.1 is exempt from penalties in the shared config, the attackers are not.
const LIMITS = 'adminFailDelay: 10ms, maxAdminFailures: 5, adminLockout: 15m';

type Answer = 'wrong' | 'locked' | 'granted';

/** Logs in as alice from `localAddress` (a loopback address of the test's choosing). */
function connectFrom(port: number, localAddress: string): Promise<ssh2.Client> {
  const client = new ssh2.Client();
  return new Promise((resolve, reject) => {
    client.once('ready', () => resolve(client));
    client.once('error', reject);
    client.connect({ host: '127.0.0.1', port, localAddress, username: 'alice', password: PASSWORD });
  });
}

/** A pty shell channel with its screen, once the prompt shows. */
async function ptyShell(client: ssh2.Client): Promise<{ channel: ClientChannel; screen: Screen }> {
  const channel = await new Promise<ClientChannel>((resolve, reject) =>
    client.shell({ term: 'xterm', cols: 100, rows: 30 }, (err, ch) => (err ? reject(err) : resolve(ch))),
  );
  const screen = new Screen(channel, channel.stderr);
  await screen.waitFor('alice@');
  return { channel, screen };
}

/** Runs `admin` and, when asked, answers `password`; resolves with what the server said. */
async function guess(shell: { channel: ClientChannel; screen: Screen }, password: string): Promise<Answer> {
  const { channel, screen } = shell;
  let at = screen.mark();
  channel.write('admin\r');
  const asked = await screen.waitFor(/Admin password:|admin elevation is locked/, at);
  if (/admin elevation is locked/.test(asked.slice(at))) return 'locked';
  at = screen.mark();
  channel.write(`${password}\r`);
  const answer = (await screen.waitFor(/wrong admin password|Admin rights granted/, at)).slice(at);
  await screen.waitFor(/alice@\S+[$#] $/, at); // the prompt is back: the next line may be typed
  return answer.includes('granted') ? 'granted' : 'wrong';
}

const elevations = (s: TestServer) =>
  s.audit.records.filter(
    (r): r is Extract<AuditRecord, { event: 'admin' }> => r.event === 'admin' && r.action === 'elevate',
  );

test('one connection opening a new pty channel every 3 guesses is locked out, even for the right password', async (t) => {
  const s = await withServer(t, { limits: LIMITS });
  const client = await connectFrom(s.port, '127.0.0.2');
  t.teardown(() => client.end());
  const answers: Answer[] = [];
  const started = performance.now();
  for (let channel = 0; channel < 3; channel++) {
    const shell = await ptyShell(client);
    for (let i = 0; i < 3; i++) answers.push(await guess(shell, `guess-${channel}-${i}`));
    shell.channel.end();
  }
  t.log(`9 guesses answered in ${Math.round(performance.now() - started)} ms`);
  t.deepEqual(answers, ['wrong', 'wrong', 'wrong', 'wrong', 'wrong', 'locked', 'locked', 'locked', 'locked']);
  t.is(await guess(await ptyShell(client), ADMIN_PASSWORD), 'locked', 'the right password is refused too');
  const reasons = elevations(s).map((r) => r.reason);
  t.deepEqual(reasons.slice(0, 5), [...Array(4).fill('wrong password'), 'wrong password, locked out']);
  t.true(reasons.slice(5).every((r) => r === 'locked out'));
  t.true(elevations(s).every((r) => !r.ok && r.addr?.startsWith('127.0.0.2:')));
  const locking = elevations(s)[4]!;
  t.true((locking.penaltySec ?? 0) > 0, 'the lock-out penalised the source');
});

test('several connections guessing at once get no more than the limit of wrong answers between them', async (t) => {
  const s = await withServer(t, { limits: LIMITS });
  const clients = await Promise.all([1, 2, 3].map(() => connectFrom(s.port, '127.0.0.3')));
  t.teardown(() => clients.forEach((c) => c.end()));
  const answers = (
    await Promise.all(
      clients.map(async (client, n) => {
        const shell = await ptyShell(client);
        const mine: Answer[] = [];
        for (let i = 0; i < 3; i++) mine.push(await guess(shell, `parallel-${n}-${i}`));
        return mine;
      }),
    )
  ).flat();
  t.is(answers.filter((a) => a === 'wrong').length, 5);
  t.is(answers.filter((a) => a === 'locked').length, 4);
  t.is(await guess(await ptyShell(clients[0]!), ADMIN_PASSWORD), 'locked');
  t.is(elevations(s).length, 10, 'every attempt is audited');
});

test('a right password before the lock-out still elevates', async (t) => {
  const s = await withServer(t, { limits: LIMITS });
  const client = await connectFrom(s.port, '127.0.0.4');
  t.teardown(() => client.end());
  const shell = await ptyShell(client);
  t.is(await guess(shell, 'nope-1'), 'wrong');
  t.is(await guess(shell, 'nope-2'), 'wrong');
  const at = shell.screen.mark();
  t.is(await guess(shell, ADMIN_PASSWORD), 'granted');
  shell.channel.write('sessions\r');
  await shell.screen.waitFor(/\d+ sessions?/, at);
  t.deepEqual(
    elevations(s).map((r) => r.ok),
    [false, false, true],
  );
});

test('a role without elevate: true cannot use admin, and the attempt is audited', async (t) => {
  const s = await withServer(t);
  const text = readFileSync(s.configFile, 'utf8').replace('], elevate: true }', '] }');
  const loaded = loadConfigText(text, s.configFile, s.dir);
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  s.server.reload(loaded.config);
  const client = await connectFrom(s.port, '127.0.0.1');
  t.teardown(() => client.end());
  const r = await execOn(client, 'admin');
  t.is(r.code, 126);
  t.regex(r.stderr, /role 'operator' may not elevate/);
  const help = await execOn(client, 'help');
  t.notRegex(help.stdout, /\badmin\b/, 'help does not offer admin');
  t.like(elevations(s)[0], { ok: false, reason: 'not allowed for role', user: 'alice' });
});
