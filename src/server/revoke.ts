// Reload revokes: after a config reload, a live session whose user was removed, or whose way of logging in no longer
// authenticates (its password hash changed or went, the key it signed with left authorized_keys), is ended with a
// notice and a `revoked` audit record. Role changes need nothing here: every command reads the config in force.
import { findKey } from '../auth/authorized-keys.ts';
import type { Config } from '../config/types.ts';
import type { ServerContext } from './context.ts';
import type { Session } from './session.ts';

/** Why `session` may not go on under `config`, or null when its login still holds. */
export function revocationReason(session: Session, config: Config): string | null {
  const user = config.users.get(session.user);
  if (!user) return 'user removed';
  const credential = session.credential;
  if (credential?.method === 'password' && user.passwordHash !== credential.passwordHash) return 'password changed';
  if (credential?.method === 'publickey' && !findKey(user.authorizedKeys, credential.algo, credential.data)) {
    return 'key removed';
  }
  return null;
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
    const how = reason === 'user removed' ? 'removed' : 'changed';
    session.end(`your account was ${how} by a configuration reload`);
  }
  return revoked;
}
