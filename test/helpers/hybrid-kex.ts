// mlkem768x25519-sha256 written out from the draft (draft-ietf-sshm-mlkem-hybrid-kex), for tests: the reference the
// patched ssh2 is checked against (itself checked against OpenSSH's known answers), and a raw client that drives a
// real server's key exchange byte by byte, so a test can send the shares ssh2's own client never would.
import { createHash, createPrivateKey, createPublicKey, diffieHellman, randomBytes, verify } from 'node:crypto';
import net from 'node:net';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { sshString, WireReader } from '../../src/ssh/wire-reader.ts';

export const KEX = 'mlkem768x25519-sha256';
const MSG = { DISCONNECT: 1, KEXINIT: 20, KEX_ECDH_INIT: 30, KEX_ECDH_REPLY: 31 } as const;

// PKCS#8 and SPKI headers of a raw X25519 key (RFC 8410).
const X25519_PKCS8 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const X25519_SPKI = Buffer.from('302a300506032b656e032100', 'hex');

export function x25519PublicKey(privateKey: Buffer): Buffer {
  const key = createPrivateKey({ key: Buffer.concat([X25519_PKCS8, privateKey]), format: 'der', type: 'pkcs8' });
  return createPublicKey(key).export({ type: 'spki', format: 'der' }).subarray(-32);
}

export function x25519(privateKey: Buffer, publicKey: Buffer): Buffer {
  return diffieHellman({
    privateKey: createPrivateKey({ key: Buffer.concat([X25519_PKCS8, privateKey]), format: 'der', type: 'pkcs8' }),
    publicKey: createPublicKey({ key: Buffer.concat([X25519_SPKI, publicKey]), format: 'der', type: 'spki' }),
  });
}

/** K = SHA-256(K_PQ || K_CL). */
export function hybridSecret(sharedPQ: Uint8Array, sharedClassical: Uint8Array): Buffer {
  return createHash('sha256').update(sharedPQ).update(sharedClassical).digest();
}

export interface HashInputs {
  clientVersion: string;
  serverVersion: string;
  /** Whole KEXINIT payloads, message byte included. */
  clientKexinit: Buffer;
  serverKexinit: Buffer;
  serverHostKey: Buffer;
  clientInit: Buffer;
  serverReply: Buffer;
  sharedSecret: Buffer;
}

/** H = SHA-256 of the strings V_C, V_S, I_C, I_S, K_S, C_INIT, S_REPLY and K (a string here, not an mpint). */
export function exchangeHash(h: HashInputs): Buffer {
  const hash = createHash('sha256');
  for (const part of [
    h.clientVersion,
    h.serverVersion,
    h.clientKexinit,
    h.serverKexinit,
    h.serverHostKey,
    h.clientInit,
    h.serverReply,
    h.sharedSecret,
  ]) {
    hash.update(sshString(part));
  }
  return hash.digest();
}

/** The client's share: ML-KEM-768 encapsulation key || X25519 public key, and what it needs to finish. */
export function clientShare(seed = randomBytes(64), x25519Private = randomBytes(32)) {
  const { publicKey, secretKey } = ml_kem768.keygen(seed);
  return {
    init: Buffer.concat([publicKey, x25519PublicKey(x25519Private)]),
    finish(serverReply: Buffer): Buffer {
      const sharedPQ = ml_kem768.decapsulate(serverReply.subarray(0, 1088), secretKey);
      return hybridSecret(sharedPQ, x25519(x25519Private, serverReply.subarray(1088)));
    },
  };
}

/** One unencrypted SSH binary packet (RFC 4253 §6) around a payload. */
function packet(payload: Buffer): Buffer {
  let padding = 8 - ((5 + payload.length) % 8);
  if (padding < 4) padding += 8;
  const head = Buffer.alloc(5);
  head.writeUInt32BE(1 + payload.length + padding, 0);
  head[4] = padding;
  return Buffer.concat([head, payload, randomBytes(padding)]);
}

function nameList(names: string[]): Buffer {
  return sshString(names.join(','));
}

export function kexinitPayload(kex: string[], guessFollows = false): Buffer {
  return Buffer.concat([
    Buffer.from([MSG.KEXINIT]),
    randomBytes(16),
    nameList(kex),
    nameList(['ssh-ed25519']),
    nameList(['aes128-ctr']),
    nameList(['aes128-ctr']),
    nameList(['hmac-sha2-256-etm@openssh.com']),
    nameList(['hmac-sha2-256-etm@openssh.com']),
    nameList(['none']),
    nameList(['none']),
    nameList([]),
    nameList([]),
    Buffer.from([guessFollows ? 1 : 0, 0, 0, 0, 0]), // first_kex_packet_follows, reserved
  ]);
}

/** What the server answered to KEX_ECDH_INIT: its reply (fields parsed) or the disconnect it sent instead. */
export type KexAnswer =
  | { kind: 'reply'; hostKey: Buffer; serverReply: Buffer; signature: Buffer; hash: Omit<HashInputs, 'sharedSecret'> }
  | { kind: 'disconnect'; reason: number; description: string }
  | { kind: 'closed' };

/**
 * Connects, swaps versions and KEXINITs (offering only `kex`), sends `share` as KEX_ECDH_INIT and returns the
 * server's answer; the socket is then destroyed. Ends with 'closed' if the server hangs up without a word.
 */
export async function rawKeyExchange(
  port: number,
  share: Buffer,
  { kex = [KEX], guess }: { kex?: string[]; guess?: Buffer } = {},
): Promise<KexAnswer> {
  const socket = net.connect({ host: '127.0.0.1', port });
  const reader = socketReader(socket);
  try {
    const clientVersion = 'SSH-2.0-KeyholeRawKexTest';
    socket.write(`${clientVersion}\r\n`);
    const serverVersion = await reader.line();
    const clientKexinit = kexinitPayload(kex, guess !== undefined);
    const init = (data: Buffer) => packet(Buffer.concat([Buffer.from([MSG.KEX_ECDH_INIT]), sshString(data)]));
    // A guessed share follows KEXINIT at once (RFC 4253 §7.1), as Dropbear sends it; a guess other than `share`
    // stands for a wrong one, which the server must drop, and `share` is sent after the server's KEXINIT.
    socket.write(guess ? Buffer.concat([packet(clientKexinit), init(guess)]) : packet(clientKexinit));
    const serverKexinit = await reader.packet();
    if (serverKexinit === null) return { kind: 'closed' };
    if (serverKexinit[0] !== MSG.KEXINIT) throw new Error(`expected KEXINIT, got message ${serverKexinit[0]}`);
    if (guess !== share) socket.write(init(share));
    const answer = await reader.packet();
    if (answer === null) return { kind: 'closed' };
    const r = new WireReader(answer.subarray(1));
    if (answer[0] === MSG.DISCONNECT) {
      return { kind: 'disconnect', reason: r.uint32('reason'), description: r.string('description').toString() };
    }
    if (answer[0] !== MSG.KEX_ECDH_REPLY) throw new Error(`expected KEX_ECDH_REPLY, got message ${answer[0]}`);
    const hostKey = r.string('host key');
    const serverReply = r.string('server reply');
    const signature = r.string('signature');
    return {
      kind: 'reply',
      hostKey,
      serverReply,
      signature,
      hash: {
        clientVersion,
        serverVersion,
        clientKexinit,
        serverKexinit,
        serverHostKey: hostKey,
        clientInit: share,
        serverReply,
      },
    };
  } finally {
    socket.destroy();
  }
}

/** Verifies an ssh-ed25519 signature blob over `data` with the ssh-ed25519 host key blob. */
export function verifyHostSignature(hostKey: Buffer, signature: Buffer, data: Buffer): boolean {
  const key = new WireReader(hostKey);
  const sig = new WireReader(signature);
  if (key.string('key type').toString() !== 'ssh-ed25519' || sig.string('signature type').toString() !== 'ssh-ed25519')
    return false;
  const raw = key.string('key');
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]);
  return verify(null, data, createPublicKey({ key: spki, format: 'der', type: 'spki' }), sig.string('signature'));
}

// Reads the version line and unencrypted packets from a socket; null once the peer has closed.
function socketReader(socket: net.Socket) {
  let buffered = Buffer.alloc(0);
  let ended = false;
  let wake: (() => void) | null = null;
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    wake?.();
  });
  const stop = () => {
    ended = true;
    wake?.();
  };
  socket.on('end', stop);
  socket.on('close', stop);
  socket.on('error', stop);
  const more = () => new Promise<void>((resolve) => (wake = resolve));
  return {
    async line(): Promise<string> {
      for (;;) {
        const end = buffered.indexOf('\r\n');
        if (end >= 0) {
          const line = buffered.subarray(0, end).toString();
          buffered = buffered.subarray(end + 2);
          if (line.startsWith('SSH-')) return line;
          continue;
        }
        if (ended) throw new Error('the server closed before its version line');
        await more();
      }
    },
    async packet(): Promise<Buffer | null> {
      for (;;) {
        if (buffered.length >= 4) {
          const length = buffered.readUInt32BE(0);
          if (buffered.length >= 4 + length) {
            const padding = buffered[4]!;
            const payload = buffered.subarray(5, 4 + length - padding);
            buffered = buffered.subarray(4 + length);
            return payload;
          }
        }
        if (ended) return null;
        await more();
      }
    },
  };
}
