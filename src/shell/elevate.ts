// The `admin` builtin's elevation: may this role elevate, is it locked out (the server counts attempts per user and
// per source across channels and connections), the password without echo, a growing wait after a wrong one, and an
// audit record for every attempt, refused or not.
import { setTimeout as sleep } from 'node:timers/promises';
import { verifyPassword } from '../auth/password.ts';
import { currentRole, type ShellContext, type ShellIO } from './context.ts';

/** Why an elevation failed, for the protocol's error frame (the shell shows the reason and exits with the status). */
export type ElevationFailure = 'denied' | 'wrong_password' | 'cancelled' | 'audit_unavailable';

export type Elevation =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: string; readonly status: number; readonly code: ElevationFailure };

/** Asks for the admin password and grants admin rights for this channel's session when it is right. */
export async function elevate(session: ShellContext, readSecret: ShellIO['readSecret']): Promise<Elevation> {
  const hash = session.config().adminPasswordHash;
  const role = currentRole(session);
  if (!hash) return no('admin elevation is not enabled on this server (no adminPassword in the config)', 126);
  if (!role.elevate) {
    await record(session, false, 'not allowed for role');
    return no(`role '${role.name}' may not elevate (the config does not give it elevate: true): ask an admin`, 126);
  }
  // An exec ends with its command, and its elevation with it: refused before it costs an attempt.
  if (!readSecret || session.via === 'exec') {
    return no("admin needs an interactive shell: connect with 'ssh -t HOST' (no command) and run admin there", 1);
  }
  const started = session.elevation();
  if (!started.ok) {
    await record(session, false, 'locked out');
    return no(started.reason, 126);
  }
  const { attempt } = started;
  const secret = await readSecret('Admin password: ');
  if (secret === null) return (attempt.cancelled(), no('admin elevation cancelled', 1, 'cancelled'));
  if (await verifyPassword(secret, hash)) {
    if (!(await record(session, true))) {
      attempt.cancelled();
      return no('the audit log cannot be written, so admin rights cannot be granted', 1, 'audit_unavailable');
    }
    attempt.passed();
    session.elevated = true;
    return { ok: true };
  }
  const { delayMs, lockedOut, penaltySec } = attempt.failed();
  await record(session, false, lockedOut ? 'wrong password, locked out' : 'wrong password', penaltySec);
  // The answer waits, so that guesses cannot come faster than the delay allows even on many channels in turn.
  await sleep(delayMs, undefined, { signal: session.signal }).catch(() => undefined);
  const locked = lockedOut ? `; too many wrong passwords, so admin elevation is now locked for a while` : '';
  return no(`wrong admin password${locked}`, 1, 'wrong_password');
}

function no(reason: string, status: number, code: ElevationFailure = 'denied'): Elevation {
  return { ok: false, reason, status, code };
}

// One `admin` record per attempt; false when it could not be written.
async function record(session: ShellContext, ok: boolean, reason?: string, penaltySec?: number): Promise<boolean> {
  const { id, user, address } = session;
  const event = { event: 'admin', session: id, user: user.name, action: 'elevate', ok, reason } as const;
  const penalty = penaltySec ? { penaltySec } : {};
  return session.audit.record({ ...event, addr: address, ...penalty }).then(
    () => true,
    () => false,
  );
}
