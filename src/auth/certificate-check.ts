// Whether a user certificate lets this user in from this address now, following sshd (auth2-pubkey.c,
// sshkey_cert_check_authority, auth-options.c): a user certificate, signed by a CA this user trusts, not revoked,
// inside its validity window, naming an accepted principal, with only critical options Keyhole enforces.
import { keyOptionRefusal, type AuthorizedKey } from './authorized-keys.ts';
import { caSignatureProblem, USER_CERT, type Certificate } from './certificate.ts';
import { matchCidrList } from './patterns.ts';
import { revocationOf, type RevokedKeys } from './revocation.ts';
import { constantTimeEqual } from '../ssh/constant-time.ts';

/**
 * Seconds a certificate is taken as valid before its start and after its end, for clocks that differ a little between
 * the CA and this server (OpenSSH allows none; CAs such as step-ca backdate a minute for the same reason).
 */
export const CERT_CLOCK_SKEW_S = 60n;
/** Critical options Keyhole enforces; any other one refuses the certificate, as PROTOCOL.certkeys requires. */
const ENFORCED_OPTIONS = new Set(['force-command', 'source-address']);

/** What a user may be let in with: the CAs and principals of the config, and what is revoked. */
export interface CertificateTrust {
  /** CAs from `trustedUserCAKeys`: the certificate must name the user, or one of `principals` when there is a list. */
  readonly trustedCAs: readonly AuthorizedKey[];
  /** `cert-authority` lines of the user's authorized_keys, with their own options (principals=, from=, command=). */
  readonly userCAs: readonly AuthorizedKey[];
  /** The user's `principals:` list (sshd's AuthorizedPrincipalsFile), or null for the user name alone. */
  readonly principals: readonly string[] | null;
  readonly revoked: RevokedKeys;
}

export interface CertificateLogin {
  readonly user: string;
  readonly ip: string;
  readonly now: Date;
}

export type CertificateDecision =
  | {
      readonly ok: true;
      /** The CA line that vouched for it. */
      readonly ca: AuthorizedKey;
      /** The principal that matched. */
      readonly principal: string;
      /** The certificate's force-command (or the cert-authority line's command=), or null. */
      readonly forcedCommand: string | null;
      /** The certificate says permit-pty, and the cert-authority line (if any) does not forbid it. */
      readonly ptyAllowed: boolean;
      readonly extensions: readonly string[];
    }
  | { readonly ok: false; readonly reason: string };

/** Decides a certificate login (the user's own signature is checked elsewhere: this is what the CA vouches for). */
export function checkCertificate(
  cert: Certificate,
  trust: CertificateTrust,
  login: CertificateLogin,
): CertificateDecision {
  const refuse = (reason: string): CertificateDecision => ({ ok: false, reason });
  if (cert.certType !== USER_CERT) return refuse('a host certificate, not a user certificate');
  const trusted = findCa(trust.trustedCAs, cert.caKeyBlob);
  const ca = trusted ?? findCa(trust.userCAs, cert.caKeyBlob);
  if (!ca) return refuse(`certificate signed by CA ${cert.caFingerprint}, which is not trusted for this user`);
  const badSignature = caSignatureProblem(cert);
  if (badSignature) return refuse(badSignature);
  const revoked = revocationOf(trust.revoked, {
    key: cert.keyBlob,
    certificate: { ca: cert.caKeyBlob, serial: cert.serial, keyId: cert.keyId },
  });
  if (revoked) return refuse(revoked);
  const validity = validityProblem(cert, login.now);
  if (validity) return refuse(validity);
  if (cert.principals.length === 0) return refuse('the certificate names no principals');
  const accepted = trusted ? (trust.principals ?? [login.user]) : (ca.principals ?? [login.user]);
  const principal = cert.principals.find((p) => accepted.includes(p));
  if (principal === undefined) {
    return refuse(
      `the certificate's principals (${cert.principals.slice(0, 8).join(', ')}) do not include ${listed(accepted)}`,
    );
  }
  for (const name of cert.criticalOptions.keys()) {
    if (!ENFORCED_OPTIONS.has(name)) return refuse(`unsupported critical option '${name}'`);
  }
  const sources = cert.criticalOptions.get('source-address');
  if (sources !== undefined) {
    const match = matchCidrList(login.ip, sources);
    if (match === -1) return refuse(`the certificate's source-address '${sources}' is malformed`);
    if (match !== 1) return refuse(`address ${login.ip} not allowed by the certificate's source-address ${sources}`);
  }
  if (!trusted) {
    const lineRefusal = keyOptionRefusal(ca, login);
    if (lineRefusal) return refuse(lineRefusal);
  }
  const certCommand = cert.criticalOptions.get('force-command') ?? null;
  const lineCommand = trusted ? null : ca.command;
  // sshd (sshauthopt_merge) refuses when both force a command and they differ: neither may silently win.
  if (certCommand !== null && lineCommand !== null && certCommand !== lineCommand) {
    return refuse("the certificate's force-command and the authorized_keys command= differ");
  }
  return {
    ok: true,
    ca,
    principal,
    forcedCommand: certCommand ?? lineCommand,
    ptyAllowed: cert.extensions.has('permit-pty') && (trusted ? true : ca.ptyAllowed),
    extensions: [...cert.extensions.keys()],
  };
}

/** Why the certificate is not valid at `now` (with the skew allowance), or null. */
export function validityProblem(cert: Certificate, now: Date): string | null {
  const seconds = BigInt(Math.floor(now.getTime() / 1000));
  if (seconds + CERT_CLOCK_SKEW_S < cert.validAfter)
    return `the certificate is not valid before ${when(cert.validAfter)}`;
  if (seconds - CERT_CLOCK_SKEW_S >= cert.validBefore) return `the certificate expired at ${when(cert.validBefore)}`;
  return null;
}

// The CA line whose key is the certificate's signature key (every candidate compared, in constant time).
function findCa(cas: readonly AuthorizedKey[], caKeyBlob: Buffer): AuthorizedKey | undefined {
  let found: AuthorizedKey | undefined;
  for (const ca of cas) if (constantTimeEqual(ca.blob, caKeyBlob) && found === undefined) found = ca;
  return found;
}

function when(seconds: bigint): string {
  const ms = seconds * 1000n;
  return ms > 8_640_000_000_000_000n ? 'forever' : new Date(Number(ms)).toISOString().replace('.000Z', 'Z');
}

function listed(names: readonly string[]): string {
  return names.length === 1 ? `'${names[0]}'` : `any of ${names.slice(0, 8).join(', ')}`;
}
