// The private key a client logs in with, and its OpenSSH certificate found as ssh finds one: the certificate named,
// else KEY-cert.pub beside a key file (ssh's CertificateFile default), else none.
import { readFileSync } from 'node:fs';
import { ConnectionError } from './errors.ts';

export interface IdentitySources {
  readonly privateKey?: string | Buffer;
  readonly privateKeyPath?: string;
  readonly certificate?: string | Buffer;
  readonly certificatePath?: string;
}

export interface Identity {
  readonly key: string | Buffer;
  /** Where the key came from, for messages. */
  readonly keyName: string;
  /** The certificate's text (`ssh-ed25519-cert-v01@openssh.com AAAA... comment`), if there is one. */
  readonly certificate?: string;
  readonly certificateName?: string;
}

/** The key and its certificate, or undefined when no key is configured; throws ConnectionError for an unreadable file. */
export function loadIdentity(opts: IdentitySources): Identity | undefined {
  const named = opts.certificate !== undefined || opts.certificatePath !== undefined;
  const key = opts.privateKey ?? (opts.privateKeyPath ? readFileSync(opts.privateKeyPath) : undefined);
  if (key === undefined) {
    if (!named) return undefined;
    throw new ConnectionError(
      'connect_failed',
      'a certificate needs its private key: give the key too (-i KEY, or privateKey / privateKeyPath)',
    );
  }
  const keyName = opts.privateKeyPath ?? 'the private key';
  if (opts.certificate !== undefined) {
    return { key, keyName, certificate: opts.certificate.toString(), certificateName: 'the certificate' };
  }
  if (opts.certificatePath !== undefined) {
    return {
      key,
      keyName,
      certificate: readCertificate(opts.certificatePath, true),
      certificateName: opts.certificatePath,
    };
  }
  if (opts.privateKeyPath === undefined) return { key, keyName };
  const beside = `${opts.privateKeyPath}-cert.pub`;
  const certificate = readCertificate(beside, false);
  return certificate === undefined ? { key, keyName } : { key, keyName, certificate, certificateName: beside };
}

// A missing file is an error only when it was named; ssh, too, uses KEY-cert.pub only if it is there.
function readCertificate(file: string, required: true): string;
function readCertificate(file: string, required: false): string | undefined;
function readCertificate(file: string, required: boolean): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !required) return undefined;
    throw new ConnectionError(
      'connect_failed',
      `cannot read the certificate ${file}: ${code ?? (err as Error).message}`,
    );
  }
}
