// One authentication request from ssh2, decided against the config: password (scrypt) or public key (authorized_keys,
// signature verified). Unknown users cost the same and read the same as wrong passwords.
import type { AuthContext, PublicKeyAuthContext } from 'ssh2';
import ssh2 from 'ssh2';

const { utils } = ssh2; // ssh2 is CommonJS: its named exports are not visible to ESM imports
import { certificateAuthorities, findKeys, keyOptionRefusal, type AuthorizedKey } from '../auth/authorized-keys.ts';
import { isCertificateAlgorithm, parseCertificate, signatureAlgorithmsFor } from '../auth/certificate.ts';
import { checkCertificate, type CertificateTrust } from '../auth/certificate-check.ts';
import { revocationOf } from '../auth/revocation.ts';
import type { CertificateSummary } from '../audit/events.ts';
import { fingerprintSha256 } from '../ssh/fingerprint.ts';
import { signatureProblem } from '../ssh/signature.ts';
import { burnPasswordCheck, verifyPassword } from '../auth/password.ts';
import type { Config, UserSpec } from '../config/types.ts';

/** What an accepted login may do beyond its role: a line it is confined to, a pty, and the certificate it used. */
export interface Grant {
  readonly forcedCommand: string | null;
  readonly ptyAllowed: boolean;
  readonly certificate?: CertificateSummary;
}

/** Where the request comes from and when, for from=, expiry-time=, source-address and certificate validity. */
export interface AuthAt {
  readonly ip: string;
  readonly now: Date;
}

export type AuthOutcome =
  | { kind: 'accept'; user: UserSpec; fingerprint?: string; keyType?: string; key?: AuthorizedKey; grant?: Grant }
  /** A public key the user may use, asked about without a signature: the client will sign next. */
  | { kind: 'key-ok'; fingerprint: string; keyType: string }
  | { kind: 'reject'; reason: string; fingerprint?: string; keyType?: string; counts: boolean };

/** Decides one auth request; `none` and unsupported methods are refused without counting as a failure. */
export async function authenticate(ctx: AuthContext, config: Config, at: AuthAt): Promise<AuthOutcome> {
  const user = config.users.get(ctx.username);
  switch (ctx.method) {
    case 'password': {
      if (!user?.passwordHash) {
        await burnPasswordCheck(ctx.password);
        return { kind: 'reject', reason: user ? 'password login not enabled for user' : 'unknown user', counts: true };
      }
      const ok = await verifyPassword(ctx.password, user.passwordHash);
      return ok ? { kind: 'accept', user } : { kind: 'reject', reason: 'wrong password', counts: true };
    }
    case 'publickey':
      return isCertificateAlgorithm(ctx.key.algo)
        ? checkCertificateKey(ctx, user, config, at)
        : checkPublicKey(ctx, user, config, at);
    case 'none':
      return { kind: 'reject', reason: 'method none', counts: false };
    default:
      return { kind: 'reject', reason: `method ${ctx.method} not supported`, counts: true };
  }
}

function checkPublicKey(
  ctx: PublicKeyAuthContext,
  user: UserSpec | undefined,
  config: Config,
  at: AuthAt,
): AuthOutcome {
  const fingerprint = fingerprintSha256(ctx.key.data);
  const keyType = ctx.key.algo;
  const lines = user ? findKeys(user.authorizedKeys, ctx.key.algo, ctx.key.data) : [];
  if (!user || lines.length === 0) {
    const reason = user ? 'key not in authorized keys' : 'unknown user';
    return { kind: 'reject', reason, fingerprint, keyType, counts: true };
  }
  // As sshd, everything but the signature is checked before the client is told the key would do; of several lines
  // with this key, the first whose options (from=, expiry-time=) let it in is the one that counts.
  const known = lines.find((line) => keyOptionRefusal(line, at) === null);
  const refused =
    revocationOf(config.revokedKeys, { key: ctx.key.data }) ?? (known ? null : keyOptionRefusal(lines[0]!, at));
  if (refused || !known)
    return { kind: 'reject', reason: refused ?? 'key refused', fingerprint, keyType, counts: true };
  if (!ctx.signature || !ctx.blob) return { kind: 'key-ok', fingerprint, keyType };
  const parsed = utils.parseKey(ctx.key.data);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error || !key.verify(ctx.blob, ctx.signature, ctx.hashAlgo)) {
    return { kind: 'reject', reason: 'bad signature', fingerprint, keyType, counts: true };
  }
  const grant = { forcedCommand: known.command, ptyAllowed: known.ptyAllowed };
  return { kind: 'accept', user, fingerprint, keyType, key: known, grant };
}

// A user certificate (PROTOCOL.certkeys): read strictly, vouched for by a CA this user trusts, then the user's own
// signature checked with the certified key. ssh2 leaves such a signature as it came (type name and all).
function checkCertificateKey(
  ctx: PublicKeyAuthContext,
  user: UserSpec | undefined,
  config: Config,
  at: AuthAt,
): AuthOutcome {
  const keyType = ctx.key.algo;
  let cert;
  try {
    cert = parseCertificate(ctx.key.data, keyType);
  } catch (err) {
    return {
      kind: 'reject',
      reason: (err as Error).message,
      fingerprint: fingerprintSha256(ctx.key.data),
      keyType,
      counts: true,
    };
  }
  const fingerprint = fingerprintSha256(cert.keyBlob);
  if (!user) return { kind: 'reject', reason: 'unknown user', fingerprint, keyType, counts: true };
  const decision = checkCertificate(cert, certificateTrust(config, user), { user: user.name, ip: at.ip, now: at.now });
  if (!decision.ok) return { kind: 'reject', reason: decision.reason, fingerprint, keyType, counts: true };
  if (!ctx.signature || !ctx.blob) return { kind: 'key-ok', fingerprint, keyType };
  if (signatureProblem(cert.key, ctx.blob, ctx.signature, signatureAlgorithmsFor(keyType)) !== null) {
    return { kind: 'reject', reason: 'bad signature', fingerprint, keyType, counts: true };
  }
  const certificate: CertificateSummary = {
    keyId: cert.keyId,
    serial: cert.serial.toString(),
    ca: cert.caFingerprint,
    principal: decision.principal,
    extensions: decision.extensions,
  };
  const grant = { forcedCommand: decision.forcedCommand, ptyAllowed: decision.ptyAllowed, certificate };
  return { kind: 'accept', user, fingerprint, keyType, grant };
}

/** The CAs, principals and revocations a certificate login of this user is checked against. */
export function certificateTrust(config: Config, user: UserSpec): CertificateTrust {
  return {
    trustedCAs: config.trustedUserCAs,
    userCAs: certificateAuthorities(user.authorizedKeys),
    principals: user.principals,
    revoked: config.revokedKeys,
  };
}
