// The client's SSH connection (ssh2): host key checked against known_hosts like OpenSSH's StrictHostKeyChecking,
// then key (and its OpenSSH certificate), agent or password auth. Failures become typed errors with a one-line reason.
import { createPublicKey } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ssh2, {
  type AuthenticationType,
  type ConnectConfig,
  type NextAuthHandler,
  type ServerHostKeyAlgorithm,
} from 'ssh2';
import { fingerprintSha256 } from '../ssh/fingerprint.ts';
import { ALGORITHMS } from '../ssh/algorithms.ts';
import { AuthenticationError, ConnectionError, HostKeyError, KeyholeError } from './errors.ts';
import { loadIdentity, type Identity } from './identity.ts';
import { hostToken, knownHostsLine, parseKnownHosts, verifyHostKey } from './known-hosts.ts';

const { utils } = ssh2; // ssh2 is CommonJS: its named exports are not visible to ESM imports

export const DEFAULT_PORT = 2222;
const HOST_KEY_ALGORITHMS: ServerHostKeyAlgorithm[] = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
];

export interface ConnectOptions {
  readonly host: string;
  /** Default 2222, Keyhole's own default. */
  readonly port?: number;
  readonly username: string;
  /** A private key (OpenSSH or PEM text), or read from `privateKeyPath`. */
  readonly privateKey?: string | Buffer;
  readonly privateKeyPath?: string;
  readonly passphrase?: string;
  /**
   * The key's OpenSSH user certificate (the text of KEY-cert.pub), or read from `certificatePath`; by default
   * `privateKeyPath` + `-cert.pub` if that file exists, as ssh does. The key is offered first, then the certificate.
   */
  readonly certificate?: string | Buffer;
  readonly certificatePath?: string;
  /** An ssh-agent socket; `true` means $SSH_AUTH_SOCK. */
  readonly agent?: string | boolean;
  /** A password, or a function asked for one only when the server wants it (a prompt). */
  readonly password?: string | (() => Promise<string | null>);
  /** known_hosts file; default ~/.ssh/known_hosts. */
  readonly knownHosts?: string;
  /** Record an unknown host's key instead of refusing it (OpenSSH's StrictHostKeyChecking=accept-new). */
  readonly acceptNew?: boolean;
  readonly readyTimeoutMs?: number;
}

/** Opens an authenticated SSH connection; rejects with ConnectionError, HostKeyError or AuthenticationError. */
export async function openConnection(opts: ConnectOptions): Promise<ssh2.Client> {
  const port = opts.port ?? DEFAULT_PORT;
  const client = new ssh2.Client();
  let hostKeyFailure: HostKeyError | null = null;
  const config: ConnectConfig = {
    host: opts.host,
    port,
    username: opts.username,
    algorithms: { ...ALGORITHMS, serverHostKey: HOST_KEY_ALGORITHMS },
    readyTimeout: opts.readyTimeoutMs ?? 20_000,
    hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
      try {
        hostKeyFailure = checkHostKey(opts, port, key);
      } catch (err) {
        const reason = `cannot use the known_hosts file: ${(err as Error).message}`;
        hostKeyFailure = new HostKeyError('host_key_unknown', reason, fingerprintSha256(key));
      }
      verify(hostKeyFailure === null);
    },
    authHandler: authMethods(opts),
  };
  return new Promise((resolve, reject) => {
    const onError = (err: Error & { level?: string }) => {
      client.end();
      reject(hostKeyFailure ?? classify(err, opts.host, port));
    };
    client.once('error', onError);
    client.once('ready', () => {
      client.removeListener('error', onError);
      client.on('error', () => undefined); // later errors surface as 'close' on the channels
      (client as unknown as { setNoDelay?: (v: boolean) => void }).setNoDelay?.(true);
      resolve(client);
    });
    client.connect(config);
  });
}

function checkHostKey(opts: ConnectOptions, port: number, key: Buffer): HostKeyError | null {
  const file = opts.knownHosts ?? path.join(os.homedir(), '.ssh', 'known_hosts');
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err; // no file yet: every host is unknown
  }
  const fingerprint = fingerprintSha256(key);
  const verdict = verifyHostKey(parseKnownHosts(text), opts.host, port, key);
  const where = hostToken(opts.host, port);
  switch (verdict.status) {
    case 'known':
      return null;
    case 'revoked':
      return new HostKeyError(
        'host_key_revoked',
        `host key for ${where} is revoked (${file}:${verdict.line})`,
        fingerprint,
      );
    case 'changed':
      return new HostKeyError(
        'host_key_changed',
        `HOST KEY FOR ${where} HAS CHANGED: server offers ${fingerprint}, ${file}:${verdict.line} has ${verdict.knownFingerprint}; remove that line only if you know why it changed`,
        fingerprint,
      );
    case 'unknown':
      if (!opts.acceptNew) {
        return new HostKeyError(
          'host_key_unknown',
          `host key for ${where} is not known (${fingerprint}); check it and connect with --accept-new to record it in ${file}`,
          fingerprint,
        );
      }
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      appendFileSync(file, knownHostsLine(opts.host, port, key), { mode: 0o600 });
      return null;
  }
}

// Offers each configured credential once, in OpenSSH's order: key, agent, then password (asked for only now).
function authMethods(opts: ConnectOptions) {
  const queue: (() => Promise<unknown>)[] = [];
  const identity = loadIdentity(opts);
  const agent = opts.agent === true ? process.env.SSH_AUTH_SOCK : opts.agent || undefined;
  const { username, passphrase } = opts;
  if (identity) {
    const { key, certificate } = identity;
    queue.push(async () => ({ type: 'publickey', username, key, passphrase }));
    if (certificate !== undefined) {
      const problem = certificateProblem(identity, passphrase);
      if (problem !== null) throw new ConnectionError('connect_failed', problem);
      // ssh2's `certificate` comes from patches/ssh2+1.17.0.patch (applied on install by scripts/patch-ssh2.mjs).
      queue.push(async () => ({ type: 'publickey', username, key, passphrase, certificate }));
    }
  }
  if (agent) queue.push(async () => ({ type: 'agent', username, agent }));
  if (opts.password !== undefined) {
    queue.push(async () => {
      const password = typeof opts.password === 'function' ? await opts.password() : opts.password;
      return password === null ? false : { type: 'password', username, password };
    });
  }
  return (_left: AuthenticationType[] | null, _partial: boolean | null, next: NextAuthHandler) => {
    const method = queue.shift();
    if (!method) return next(false as never);
    void method().then((m) => next(m as never));
  };
}

// Why the certificate cannot be used with the key, or null. Also notices an ssh2 without the certificate patch: that
// one misreads a certificate (its nonce taken for the key) instead of keeping the certificate's own blob.
function certificateProblem(identity: Identity, passphrase: string | undefined): string | null {
  const name = identity.certificateName ?? 'the certificate';
  const text = identity.certificate ?? '';
  const cert = utils.parseKey(text);
  const fields = text.trim().split(/\s+/);
  if (cert instanceof Error || !/-cert-v01@openssh\.com$/.test(fields[0] ?? '')) {
    return `${name} is not an OpenSSH certificate (see it with ssh-keygen -L -f FILE)`;
  }
  if (!cert.getPublicSSH().equals(Buffer.from(fields[1] ?? '', 'base64'))) {
    return `this ssh2 cannot log in with certificates (patches/ssh2+1.17.0.patch is not applied): allow keyhole's install scripts (npm install-scripts approve keyhole) and reinstall, or run node node_modules/keyhole/scripts/patch-ssh2.mjs`;
  }
  const key = utils.parseKey(identity.key, passphrase);
  if (key instanceof Error) return null; // encrypted and no passphrase: ssh2 skips the key and says so
  const spki = (pem: string) => createPublicKey(pem).export({ type: 'spki', format: 'der' });
  if (!spki(cert.getPublicPEM()).equals(spki(key.getPublicPEM()))) {
    return `${name} certifies another key than ${identity.keyName}: give the certificate that ssh-keygen -s made from its .pub`;
  }
  return null;
}

function classify(err: Error & { level?: string; code?: string }, host: string, port: number): KeyholeError {
  if (/authentication methods failed/i.test(err.message)) {
    return new AuthenticationError(
      `authentication failed for ${host}:${port}: no key, agent identity or password was accepted`,
    );
  }
  const code = err.code && !err.message.includes(err.code) ? ` (${err.code})` : '';
  return new ConnectionError('connect_failed', `cannot connect to ${host}:${port}: ${err.message}${code}`);
}
