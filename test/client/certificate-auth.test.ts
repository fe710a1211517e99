// The client logs in with OpenSSH user certificates (ssh2 patched by patches/ssh2+1.17.0.patch), checked against
// OpenSSH's own sshd that trusts a CA and has no authorized_keys: a login succeeds only with a valid certificate.
// sshd does not speak keyhole-v1, so the tests run `true` on an exec channel (library) or see `keyhole exec` get
// past authentication to the subsystem request, which sshd refuses (CLI).
import test, { type ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, existsSync, renameSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type ssh2 from 'ssh2';
import { openConnection, type ConnectOptions } from '../../src/client/transport.ts';
import { AuthenticationError, ConnectionError } from '../../src/client/errors.ts';
import {
  SSHD,
  agentAdd,
  describeCertificate,
  signUserKey,
  startAgent,
  startCaSshd,
  userKey,
  type CaSshd,
} from '../helpers/openssh-ca.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// sshd needs root here (its privilege separation user and folder); CI runs as root.
const withSshd = existsSync(SSHD) && process.getuid?.() === 0 ? test : test.skip;

function options(s: CaSshd, extra: Partial<ConnectOptions>): ConnectOptions {
  return {
    host: '127.0.0.1',
    port: s.port,
    username: s.user,
    knownHosts: path.join(s.dir, 'known_hosts'),
    acceptNew: true,
    readyTimeoutMs: 10_000,
    ...extra,
  };
}

// Runs `true` on an exec channel and resolves with its exit code; the connection is closed afterwards.
async function runTrue(client: ssh2.Client): Promise<number | null> {
  try {
    const channel = await new Promise<ssh2.ClientChannel>((resolve, reject) =>
      client.exec('true', (err, ch) => (err ? reject(err) : resolve(ch))),
    );
    channel.resume();
    const [code] = (await once(channel, 'close')) as [number | null];
    return code;
  } finally {
    client.end();
  }
}

async function logsIn(t: ExecutionContext, s: CaSshd, extra: Partial<ConnectOptions>): Promise<void> {
  const client = await openConnection(options(s, extra));
  t.is(await runTrue(client), 0);
}

const certTypes = [
  ['ed25519', 'ED25519-CERT'],
  ['ecdsa', 'ECDSA-CERT'],
  ['rsa', 'RSA-CERT'],
] as const;

for (const [type, logged] of certTypes) {
  withSshd(`-i KEY logs in with KEY-cert.pub beside it (${type})`, async (t) => {
    const s = await startCaSshd(t.teardown);
    const key = userKey(s.dir, `id_${type}`, type);
    const cert = signUserKey(s.ca, key, s.user);
    await logsIn(t, s, { privateKeyPath: key });
    t.regex(s.log(), new RegExp(`Accepted publickey for ${s.user} .* ${logged} `), describeCertificate(cert));
  });
}

withSshd('an RSA certificate logs in where the server takes only rsa-sha2-512-cert-v01@openssh.com', async (t) => {
  const s = await startCaSshd(t.teardown, ['PubkeyAcceptedAlgorithms rsa-sha2-512-cert-v01@openssh.com']);
  const key = userKey(s.dir, 'id_rsa', 'rsa');
  signUserKey(s.ca, key, s.user);
  await logsIn(t, s, { privateKeyPath: key });
  t.regex(s.log(), / RSA-CERT /);
});

withSshd('the plain key alone is refused by this server (the certificate is what lets the others in)', async (t) => {
  const s = await startCaSshd(t.teardown);
  const key = userKey(s.dir, 'id_ed25519', 'ed25519');
  const error = await t.throwsAsync(openConnection(options(s, { privateKeyPath: key })));
  t.true(error instanceof AuthenticationError, error?.message);
});

withSshd('certificatePath names a certificate kept elsewhere (ssh: CertificateFile)', async (t) => {
  const s = await startCaSshd(t.teardown);
  const key = userKey(s.dir, 'id_ecdsa', 'ecdsa');
  const elsewhere = path.join(s.dir, 'issued.pub');
  renameSync(signUserKey(s.ca, key, s.user), elsewhere);
  await logsIn(t, s, { privateKeyPath: key, certificatePath: elsewhere });
  t.regex(s.log(), / ECDSA-CERT /);
});

withSshd('an agent holding key and certificate (ssh-add with KEY-cert.pub beside) logs in', async (t) => {
  const s = await startCaSshd(t.teardown);
  const sock = await startAgent(s.dir, t.teardown);
  const key = userKey(s.dir, 'id_rsa', 'rsa');
  signUserKey(s.ca, key, s.user);
  const listed = agentAdd(sock, key);
  t.regex(listed, /\(RSA-CERT\)/);
  await logsIn(t, s, { agent: sock });
  t.regex(s.log(), / RSA-CERT .*ID id-id_rsa/);
});

withSshd('an agent with an ed25519 certificate logs in', async (t) => {
  const s = await startCaSshd(t.teardown);
  const sock = await startAgent(s.dir, t.teardown);
  const key = userKey(s.dir, 'id_ed25519', 'ed25519');
  signUserKey(s.ca, key, s.user);
  t.regex(agentAdd(sock, key), /\(ED25519-CERT\)/);
  await logsIn(t, s, { agent: sock });
  t.regex(s.log(), / ED25519-CERT /);
});

withSshd('an expired certificate is refused by sshd', async (t) => {
  const s = await startCaSshd(t.teardown);
  const key = userKey(s.dir, 'id_ed25519', 'ed25519');
  signUserKey(s.ca, key, s.user, '-2h:-1h');
  const error = await t.throwsAsync(openConnection(options(s, { privateKeyPath: key })));
  t.true(error instanceof AuthenticationError, error?.message);
  await s.waitForLog(/expired/i);
  t.regex(s.log(), /expired/i);
});

withSshd('a certificate for another key is refused before connecting, in one line', async (t) => {
  const s = await startCaSshd(t.teardown);
  const key = userKey(s.dir, 'id_ed25519', 'ed25519');
  const other = userKey(s.dir, 'other', 'ed25519');
  copyFileSync(signUserKey(s.ca, other, s.user), `${key}-cert.pub`);
  const error = await t.throwsAsync(openConnection(options(s, { privateKeyPath: key })));
  t.true(error instanceof ConnectionError);
  t.regex(error?.message ?? '', /certifies another key than .*id_ed25519/);
  t.notRegex(error?.message ?? '', /\n/);
});

withSshd('a named certificate that is missing or not a certificate is an error', async (t) => {
  const s = await startCaSshd(t.teardown);
  const key = userKey(s.dir, 'id_ed25519', 'ed25519');
  const missing = await t.throwsAsync(
    openConnection(options(s, { privateKeyPath: key, certificatePath: path.join(s.dir, 'nope') })),
  );
  t.regex(missing?.message ?? '', /cannot read the certificate .*nope: ENOENT/);
  const plain = await t.throwsAsync(openConnection(options(s, { privateKeyPath: key, certificatePath: `${key}.pub` })));
  t.regex(plain?.message ?? '', /is not an OpenSSH certificate/);
  const keyless = await t.throwsAsync(openConnection(options(s, { certificatePath: `${key}.pub` })));
  t.regex(keyless?.message ?? '', /a certificate needs its private key/);
});

// `keyhole exec` from the sources (tsx), without an agent; resolves with its exit code and stderr.
async function keyholeExec(s: CaSshd, args: string[]): Promise<{ code: number | null; stderr: string }> {
  const env = { ...process.env, SSH_AUTH_SOCK: '' };
  const kh = ['--known-hosts', path.join(s.dir, 'known_hosts'), '--accept-new', '-p', String(s.port)];
  const child = spawn(
    process.execPath,
    ['--import=tsx', path.join(ROOT, 'src/cli/main.ts'), 'exec', ...kh, ...args, `${s.user}@127.0.0.1`, '--', 'true'],
    { env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000 },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stderr };
}

withSshd('keyhole exec -i KEY and --certificate get past authentication', async (t) => {
  const s = await startCaSshd(t.teardown);
  const key = userKey(s.dir, 'id_ed25519', 'ed25519');
  const plainOnly = await keyholeExec(s, ['-i', key]);
  t.regex(plainOnly.stderr, /authentication failed/); // no certificate yet: sshd knows no keys
  const issued = path.join(s.dir, 'issued-cert.pub');
  renameSync(signUserKey(s.ca, key, s.user), issued);
  // Authenticated: sshd then refuses the keyhole-v1 subsystem, which only a Keyhole server has.
  const named = await keyholeExec(s, ['-i', key, '--certificate', issued]);
  t.is(named.code, 255, named.stderr);
  t.regex(named.stderr, /refused the keyhole-v1 subsystem/);
  copyFileSync(issued, `${key}-cert.pub`);
  const beside = await keyholeExec(s, ['-i', key]);
  t.regex(beside.stderr, /refused the keyhole-v1 subsystem/);
});
