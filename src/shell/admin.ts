// The admin actions behind both the shell builtins and the protocol frames: the rights check, the action, the audit.
import type { SessionSummary } from './control.ts';
import { currentRole, type ShellContext } from './context.ts';

export interface AdminRefusal {
  readonly ok: false;
  readonly reason: string;
  readonly code: 'not_admin' | 'no_such_session' | 'audit_unavailable';
}
export type AdminOutcome<T = undefined> = { readonly ok: true; readonly value: T } | AdminRefusal;

/** Refuses (and audits) an admin action by a session without admin rights; null when the session may go on. */
export async function refuseUnlessAdmin(session: ShellContext, action: string): Promise<AdminRefusal | null> {
  if (currentRole(session).admin) return null;
  await session.audit
    .record({ event: 'admin', session: session.id, user: session.user.name, action, ok: false, reason: 'not an admin' })
    .catch(() => undefined);
  const mayElevate = session.config().adminPasswordHash && currentRole(session).elevate;
  const how = mayElevate ? ", or run 'admin' to elevate with the admin password" : '';
  return { ok: false, code: 'not_admin', reason: `'${action}' needs admin rights: ask an administrator${how}` };
}

/** Lists the live sessions, for admins. */
export async function listSessions(
  session: ShellContext,
  action = 'sessions',
): Promise<AdminOutcome<SessionSummary[]>> {
  return (await refuseUnlessAdmin(session, action)) ?? { ok: true, value: session.control.list() };
}

/** Ends another session, for admins. The action is audited before it is carried out, or not carried out at all. */
export async function killSession(session: ShellContext, target: string): Promise<AdminOutcome> {
  const refused = await refuseUnlessAdmin(session, 'kill');
  if (refused) return refused;
  const exists = session.control.list().some((s) => s.id === target);
  const unaudited = await audited(session, 'kill', exists, target);
  if (unaudited) return unaudited;
  if (!exists || !session.control.kill(target, `killed by ${session.user.name} (${session.id})`)) {
    return { ok: false, code: 'no_such_session', reason: `no session '${target}': list them with 'sessions'` };
  }
  return { ok: true, value: undefined };
}

/** Starts a graceful shutdown of the server, for admins (audited first, like kill). */
export async function shutdownServer(session: ShellContext, action = 'shutdown'): Promise<AdminOutcome> {
  const refused = await refuseUnlessAdmin(session, action);
  if (refused) return refused;
  const unaudited = await audited(session, 'shutdown', true);
  if (unaudited) return unaudited;
  session.control.shutdown(`shutdown by ${session.user.name} (${session.id})`);
  return { ok: true, value: undefined };
}

/** Writes the admin audit line; a refusal when it cannot be written, since admin actions never go unaudited. */
export async function audited(
  session: ShellContext,
  action: string,
  ok: boolean,
  target?: string,
): Promise<AdminRefusal | null> {
  try {
    await session.audit.record({ event: 'admin', session: session.id, user: session.user.name, action, target, ok });
    return null;
  } catch {
    return {
      ok: false,
      code: 'audit_unavailable',
      reason: 'the audit log cannot be written, so no admin action may run',
    };
  }
}
