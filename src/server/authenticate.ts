// One authentication request from ssh2, decided against the config: password (scrypt) or public key (authorized_keys,
// signature verified). Unknown users cost the same and read the same as wrong passwords.
import type { AuthContext, PublicKeyAuthContext } from 'ssh2';
import ssh2 from 'ssh2';

const { utils } = ssh2; // ssh2 is CommonJS: its named exports are not visible to ESM imports
import { findKey, type AuthorizedKey } from '../auth/authorized-keys.ts';
import { fingerprintSha256 } from '../ssh/fingerprint.ts';
import { burnPasswordCheck, verifyPassword } from '../auth/password.ts';
import type { Config, UserSpec } from '../config/types.ts';

export type AuthOutcome =
  | { kind: 'accept'; user: UserSpec; fingerprint?: string; keyType?: string; key?: AuthorizedKey }
  /** A public key the user may use, asked about without a signature: the client will sign next. */
  | { kind: 'key-ok'; fingerprint: string; keyType: string }
  | { kind: 'reject'; reason: string; fingerprint?: string; keyType?: string; counts: boolean };

/** Decides one auth request; `none` and unsupported methods are refused without counting as a failure. */
export async function authenticate(ctx: AuthContext, config: Config): Promise<AuthOutcome> {
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
      return checkPublicKey(ctx, user);
    case 'none':
      return { kind: 'reject', reason: 'method none', counts: false };
    default:
      return { kind: 'reject', reason: `method ${ctx.method} not supported`, counts: true };
  }
}

function checkPublicKey(ctx: PublicKeyAuthContext, user: UserSpec | undefined): AuthOutcome {
  const fingerprint = fingerprintSha256(ctx.key.data);
  const keyType = ctx.key.algo;
  const known = user ? findKey(user.authorizedKeys, ctx.key.algo, ctx.key.data) : undefined;
  if (!user || !known) {
    const reason = user ? 'key not in authorized keys' : 'unknown user';
    return { kind: 'reject', reason, fingerprint, keyType, counts: true };
  }
  if (!ctx.signature || !ctx.blob) return { kind: 'key-ok', fingerprint, keyType };
  const parsed = utils.parseKey(ctx.key.data);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error || !key.verify(ctx.blob, ctx.signature, ctx.hashAlgo)) {
    return { kind: 'reject', reason: 'bad signature', fingerprint, keyType, counts: true };
  }
  return { kind: 'accept', user, fingerprint, keyType, key: known };
}
