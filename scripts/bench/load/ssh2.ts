// The ssh2-based load generator: many connections from one process, each logging in with the bench key, with
// TCP_NODELAY on (so no Nagle stalls of the client's own making) and the key exchange pinned to curve25519-sha256.
import { readFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import ssh2 from 'ssh2';
import type { Endpoint } from '../targets/target.ts';
import { PINNED_KEX } from './kex.ts';

export type Client = ssh2.Client;

export interface ExecOutcome {
  readonly code: number | null;
  /** Bytes received on stdout (stderr is counted apart). */
  readonly bytes: number;
  readonly stderr: string;
}

const keys = new Map<string, Buffer>();
const closed = new WeakSet<Client>();

/** The kex and client-to-server cipher of a connection's first key exchange. */
export interface Negotiated {
  readonly kex: string;
  readonly cipher: string;
}

/** Opens one connection and resolves once it is authenticated; rejects with the client's error otherwise. */
export function connectClient(
  target: Endpoint,
  keyFile: string,
  onHandshake?: (negotiated: Negotiated) => void,
): Promise<Client> {
  let key = keys.get(keyFile);
  if (!key) keys.set(keyFile, (key = readFileSync(keyFile)));
  const client = new ssh2.Client();
  const sock = tcpConnect({ host: '127.0.0.1', port: target.port, noDelay: true });
  client.once('close', () => closed.add(client));
  if (onHandshake) client.once('handshake', (n) => onHandshake({ kex: n.kex, cipher: n.cs.cipher }));
  return new Promise((resolve, reject) => {
    client.once('ready', () => {
      client.removeListener('error', reject);
      client.on('error', () => undefined); // a server that goes away mid-run must not crash the harness
      resolve(client);
    });
    client.once('error', reject);
    client.connect({
      sock,
      username: target.user,
      privateKey: key,
      algorithms: { kex: [PINNED_KEX] },
      readyTimeout: 60_000,
    });
  });
}

/** Runs one exec request on an open connection; stdout is counted and dropped, stderr kept for error messages. */
export function execOn(client: Client, command: string): Promise<ExecOutcome> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err, channel) => {
      if (err) return reject(err);
      let bytes = 0;
      let stderr = '';
      let code: number | null = null;
      channel.on('data', (d: Buffer) => (bytes += d.length));
      channel.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      channel.on('exit', (c: number | null) => (code = c));
      channel.on('close', () => resolve({ code, bytes, stderr }));
    });
  });
}

/** Like execOn, but rejects unless the command exited 0. */
export async function execOk(client: Client, command: string, target: Endpoint): Promise<ExecOutcome> {
  const r = await execOn(client, command);
  if (r.code !== 0) throw new Error(`${target.name}: '${command}' exited ${r.code}: ${r.stderr.trim()}`);
  return r;
}

/** Closes a connection and resolves once the socket is gone. */
export function closeClient(client: Client): Promise<void> {
  if (closed.has(client)) return Promise.resolve();
  return new Promise((resolve) => {
    client.once('close', () => resolve());
    client.end();
  });
}

/** A whole login: connect, authenticate, run `command`, close. */
export async function loginOnce(target: Endpoint, keyFile: string, command: string): Promise<void> {
  const client = await connectClient(target, keyFile);
  try {
    await execOk(client, command, target);
  } finally {
    await closeClient(client);
  }
}
