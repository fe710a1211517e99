// A client's guessed first key-exchange packet (RFC 4253 §7.1, first_kex_packet_follows), with a real client that
// guesses: Dropbear's dbclient sends its curve25519 share with KEXINIT. ssh2 1.17 dropped every guess, right or wrong,
// so a right one hung the login until the patch (patches/ssh2+1.17.0.patch); the raw-client tests in pq-kex.test.ts
// check the same for mlkem768x25519-sha256, which Dropbear 2025.87 and later guess.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import anyTest from 'ava';
import ssh2 from 'ssh2';
import { PASSWORD, serverPerFile } from '../helpers/server.ts';

const test = serverPerFile();

function hasDbclient(): boolean {
  try {
    execFileSync('dbclient', ['-h'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    return (err as { status?: number }).status !== undefined;
  }
}
const available = hasDbclient();

// dbclient with a password from DROPBEAR_PASSWORD, host key accepted without a known_hosts (HOME is a temp dir).
function dbclient(port: number, user: string, command: string): Promise<{ code: number | null; out: string }> {
  const home = mkdtempSync(path.join(tmpdir(), 'keyhole-dbclient-'));
  return new Promise((resolve) => {
    execFile(
      'dbclient',
      ['-y', '-y', '-p', String(port), `${user}@127.0.0.1`, command],
      { env: { ...process.env, HOME: home, DROPBEAR_PASSWORD: PASSWORD }, timeout: 30_000 },
      (err, stdout, stderr) => {
        rmSync(home, { recursive: true, force: true });
        resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, out: `${stdout}${stderr}` });
      },
    );
  });
}

function skipped(t: { fail(m: string): void; log(m: string): void }): boolean {
  if (available) return false;
  if (process.env.CI) t.fail('dbclient is not installed: .ci/run must install dropbear-bin');
  else t.log('skipped: dbclient is not installed (apt-get install dropbear-bin)');
  return true;
}

test('dbclient logs in to Keyhole: its curve25519 guess is wrong (ML-KEM is first) and is dropped', async (t) => {
  if (skipped(t)) return;
  const { s } = t.context;
  const since = s.audit.records.length;
  const r = await dbclient(s.port, 'alice', 'echo via dropbear');
  t.is(r.code, 0, r.out);
  t.regex(r.out, /via dropbear/);
  const start = await s.waitForAudit(
    (rec) => rec.event === 'session-start' && rec.user === 'alice' && s.audit.records.indexOf(rec) >= since,
  );
  t.like(start, { kex: 'curve25519-sha256' });
});

// A bare ssh2 server (no Keyhole around it) that lists what dbclient lists first, so that dbclient's guess is right.
anyTest('dbclient logs in when its guess is right (curve25519-sha256 first on both sides)', async (t) => {
  if (skipped(t)) return;
  const { private: hostKey } = ssh2.utils.generateKeyPairSync('ed25519');
  const server = new ssh2.Server(
    { hostKeys: [hostKey], algorithms: { kex: ['curve25519-sha256', 'curve25519-sha256@libssh.org'] } },
    (client) => {
      client.on('error', () => undefined);
      client.on('authentication', (ctx) =>
        ctx.method === 'password' && ctx.password === PASSWORD ? ctx.accept() : ctx.reject(['password']),
      );
      client.on('ready', () =>
        client.on('session', (accept) =>
          accept().on('exec', (acceptExec, _reject, info) => {
            const channel = acceptExec();
            channel.end(`ran ${info.command}\n`);
            channel.exit(0);
          }),
        ),
      );
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const r = await dbclient((server.address() as { port: number }).port, 'anyone', 'guessed');
  t.is(r.code, 0, r.out);
  t.regex(r.out, /ran guessed/);
});
