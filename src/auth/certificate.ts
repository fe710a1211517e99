// OpenSSH certificates (PROTOCOL.certkeys), read by our own strict reader: ssh2 has no certificate support, and a
// certificate is attacker-supplied bytes until its CA signature is checked, so every length is checked, trailing data,
// unknown key types, unsorted or repeated options are refused, and nothing is trusted before `caSignatureProblem`.
import { fingerprintSha256 } from '../ssh/fingerprint.ts';
import { parsePublicKeyBlob, readPublicKeyFields, signatureProblem, type PublicKey } from '../ssh/signature.ts';
import { sshString, WireError, WireReader } from '../ssh/wire-reader.ts';

/** Certificate key types (the blob's own type name) and the plain key type inside each. */
const CERT_TYPES: Record<string, string> = {
  'ssh-ed25519-cert-v01@openssh.com': 'ssh-ed25519',
  'ecdsa-sha2-nistp256-cert-v01@openssh.com': 'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384-cert-v01@openssh.com': 'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521-cert-v01@openssh.com': 'ecdsa-sha2-nistp521',
  'ssh-rsa-cert-v01@openssh.com': 'ssh-rsa',
};
/**
 * The algorithm names a client may log in with, the certificate type each stands for, and the signature algorithms
 * its signature may use (an RSA certificate algorithm fixes the hash, RFC 8332 §3.2).
 */
const CERT_ALGORITHMS: Record<string, { certType: string; signatures: readonly string[] }> = {
  'ssh-ed25519-cert-v01@openssh.com': { certType: 'ssh-ed25519-cert-v01@openssh.com', signatures: ['ssh-ed25519'] },
  'ecdsa-sha2-nistp256-cert-v01@openssh.com': {
    certType: 'ecdsa-sha2-nistp256-cert-v01@openssh.com',
    signatures: ['ecdsa-sha2-nistp256'],
  },
  'ecdsa-sha2-nistp384-cert-v01@openssh.com': {
    certType: 'ecdsa-sha2-nistp384-cert-v01@openssh.com',
    signatures: ['ecdsa-sha2-nistp384'],
  },
  'ecdsa-sha2-nistp521-cert-v01@openssh.com': {
    certType: 'ecdsa-sha2-nistp521-cert-v01@openssh.com',
    signatures: ['ecdsa-sha2-nistp521'],
  },
  'rsa-sha2-256-cert-v01@openssh.com': { certType: 'ssh-rsa-cert-v01@openssh.com', signatures: ['rsa-sha2-256'] },
  'rsa-sha2-512-cert-v01@openssh.com': { certType: 'ssh-rsa-cert-v01@openssh.com', signatures: ['rsa-sha2-512'] },
};
/** Signature algorithms a CA may sign with: not `ssh-rsa` (SHA-1), as OpenSSH's CASignatureAlgorithms default. */
const CA_SIGNATURES = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-256',
  'rsa-sha2-512',
];
const MAX_PRINCIPALS = 256;
const MAX_OPTIONS = 64;

export const USER_CERT = 1;
export const HOST_CERT = 2;

export interface Certificate {
  /** The blob's type name, `ssh-ed25519-cert-v01@openssh.com` and so on. */
  readonly type: string;
  /** The certified key, and its plain blob (what authorized_keys, revocation lists and fingerprints name). */
  readonly key: PublicKey;
  readonly keyBlob: Buffer;
  readonly serial: bigint;
  /** 1 for a user certificate, 2 for a host certificate. */
  readonly certType: number;
  readonly keyId: string;
  readonly principals: readonly string[];
  /** Seconds since the epoch; `validBefore` 2^64-1 means forever. */
  readonly validAfter: bigint;
  readonly validBefore: bigint;
  /** Name to value (the option's data, itself decoded from its inner string when it has one). */
  readonly criticalOptions: ReadonlyMap<string, string>;
  readonly extensions: ReadonlyMap<string, string>;
  /** The CA's plain public key blob, and the signature over `signed`. */
  readonly caKeyBlob: Buffer;
  readonly caFingerprint: string;
  readonly signature: Buffer;
  /** The bytes the CA signed: the whole blob up to the signature. */
  readonly signed: Buffer;
}

/** Whether an algorithm name in a publickey request is a certificate one. */
export function isCertificateAlgorithm(algorithm: string): boolean {
  return Object.hasOwn(CERT_ALGORITHMS, algorithm);
}

/** The signature algorithms a login with this certificate algorithm may sign with (empty for unknown names). */
export function signatureAlgorithmsFor(algorithm: string): readonly string[] {
  return Object.hasOwn(CERT_ALGORITHMS, algorithm) ? CERT_ALGORITHMS[algorithm]!.signatures : [];
}

/**
 * Reads a certificate blob; `algorithm` is the name the client used, which must fit the blob's type. Throws
 * CertificateError with one line that says what is wrong. The CA's signature is not checked here.
 */
export function parseCertificate(blob: Buffer, algorithm?: string): Certificate {
  try {
    return read(blob, algorithm);
  } catch (err) {
    if (err instanceof WireError) throw new CertificateError(`malformed certificate: ${err.message}`);
    throw err;
  }
}

export class CertificateError extends Error {}

function read(blob: Buffer, algorithm: string | undefined): Certificate {
  const reader = new WireReader(blob);
  const type = reader.text('the certificate type');
  const plainType = Object.hasOwn(CERT_TYPES, type) ? CERT_TYPES[type]! : undefined;
  if (plainType === undefined) throw new CertificateError(`certificate type '${printable(type)}' is not supported`);
  if (algorithm !== undefined && CERT_ALGORITHMS[algorithm]?.certType !== type) {
    throw new CertificateError(`a ${type} certificate offered as '${printable(algorithm)}'`);
  }
  reader.string('the nonce');
  const keyStart = reader.offset;
  const key = readPublicKeyFields(plainType, reader);
  const keyBlob = Buffer.concat([sshString(plainType), blob.subarray(keyStart, reader.offset)]);
  const serial = reader.uint64('the serial');
  const certType = reader.uint32('the certificate type');
  const keyId = reader.text('the key id');
  const principals = readPrincipals(reader.string('the principals'));
  const validAfter = reader.uint64('valid after');
  const validBefore = reader.uint64('valid before');
  const criticalOptions = readOptions(reader.string('the critical options'), 'critical option');
  const extensions = readOptions(reader.string('the extensions'), 'extension');
  reader.string('the reserved field'); // unused: PROTOCOL.certkeys says to ignore it
  const caKeyBlob = reader.string('the signature key');
  const signed = blob.subarray(0, reader.offset);
  const signature = reader.string('the signature');
  reader.end('the certificate');
  if (certType !== USER_CERT && certType !== HOST_CERT)
    throw new CertificateError(`unknown certificate type ${certType}`);
  if (validAfter >= validBefore) throw new CertificateError('the validity interval is empty');
  return {
    type,
    key,
    keyBlob,
    serial,
    certType,
    keyId,
    principals,
    validAfter,
    validBefore,
    criticalOptions,
    extensions,
    caKeyBlob,
    caFingerprint: fingerprintSha256(caKeyBlob),
    signature,
    signed,
  };
}

function readPrincipals(data: Buffer): string[] {
  const reader = new WireReader(data);
  const principals: string[] = [];
  while (!reader.atEnd) {
    if (principals.length === MAX_PRINCIPALS) throw new WireError(`more than ${MAX_PRINCIPALS} principals`);
    principals.push(reader.text('a principal'));
  }
  return principals;
}

// Options and extensions: (string name, string data) pairs in lexical order without repeats, as PROTOCOL.certkeys
// requires; data that holds an inner string (force-command, source-address) is unwrapped, empty data stays ''.
function readOptions(data: Buffer, what: string): Map<string, string> {
  const reader = new WireReader(data);
  const options = new Map<string, string>();
  let last: string | null = null;
  while (!reader.atEnd) {
    if (options.size === MAX_OPTIONS) throw new WireError(`more than ${MAX_OPTIONS} ${what}s`);
    const name = reader.text(`a ${what} name`);
    const value = reader.string(`the ${what} '${printable(name)}'`);
    if (last !== null && name <= last) throw new WireError(`${what} '${printable(name)}' is repeated or out of order`);
    last = name;
    options.set(name, value.length === 0 ? '' : innerText(value, `the ${what} '${printable(name)}'`));
  }
  return options;
}

function innerText(value: Buffer, what: string): string {
  const reader = new WireReader(value);
  const text = reader.text(what);
  reader.end(what);
  return text;
}

/** Null when the CA's signature over the certificate verifies, else why not. */
export function caSignatureProblem(cert: Certificate): string | null {
  let ca: PublicKey;
  try {
    ca = parsePublicKeyBlob(cert.caKeyBlob);
  } catch (err) {
    return `the CA key is not usable: ${(err as Error).message}`;
  }
  const problem = signatureProblem(ca, cert.signed, cert.signature, CA_SIGNATURES);
  return problem === null ? null : `the CA signature is invalid: ${problem}`;
}

function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 64);
}
