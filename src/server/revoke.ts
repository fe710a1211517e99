// Reload revokes: after a config reload, a live session whose user was removed, or whose way of logging in no longer
// authenticates (its password hash changed or went, the key it signed with left authorized_keys), is ended with a
// notice and a `revoked` audit record. Role changes need nothing here: every command reads the config in force.
import { findKey } from '../auth/authorized-keys.ts';
import { isCertificateAlgorithm, parseCertificate } from '../auth/certificate.ts';
import { checkCertificate } from '../auth/certificate-check.ts';
import { revocationOf } from '../auth/revocation.ts';
import type { Config } from '../config/types.ts';
import { certificateTrust } from './authenticate.ts';
import type { ServerContext } from './context.ts';
import type { Session } from './session.ts';

/** Why `session` may not go on under `config`, or null when its login still holds. */
export function revocationReason(session: Session, config: Config): string | null {
  const user = config.users.get(session.user);
  if (!user) return 'user removed';
  const credential = session.credential;
  if (credential?.method === 'password' && user.passwordHash !== credential.passwordHash) return 'password changed';
  if (credential?.method !== 'publickey') return null;
  if (isCertificateAlgorithm(credential.algo))
    return certificateRevocation(session, config, credential.algo, credential.data);
  if (!findKey(user.authorizedKeys, credential.algo, credential.data)) return 'key removed';
  return revocationOf(config.revokedKeys, { key: credential.data });
}

// A certificate login holds while the new config would still take the certificate: the CA trusted, the principal
// accepted, nothing of it revoked (a KRL reloaded with SIGHUP ends the sessions of what it revokes).
function certificateRevocation(session: Session, config: Config, algo: string, blob: Buffer): string | null {
  const user = config.users.get(session.user)!;
  const at = { user: user.name, ip: session.ip, now: new Date() };
  try {
    const decision = checkCertificate(parseCertificate(blob, algo), certificateTrust(config, user), at);
    return decision.ok ? null : `certificate no longer accepted: ${decision.reason}`;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Ends every live session that `config` no longer admits (returns how many); the others show their new role. */
export function revokeSessions(server: ServerContext, config: Config): number {
  let revoked = 0;
  for (const session of server.registry.all()) {
    const reason = revocationReason(session, config);
    if (reason === null) {
      session.role = config.users.get(session.user)?.role ?? session.role; // what `sessions` shows
      continue;
    }
    revoked++;
    const { id, user } = session;
    void server.audit.record({ event: 'revoked', session: id, user, reason }).catch(() => undefined);
    server.log.log('info', 'session revoked by reload', { session: id, user, reason });
    const how = reason === 'user removed' ? 'removed' : reason.includes('revoked') ? 'revoked' : 'changed';
    session.end(`your account was ${how} by a configuration reload`);
  }
  return revoked;
}
