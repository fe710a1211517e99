// The admin frames (sessions, kill, shutdown, and elevate to get admin rights): the same actions, checks and audit as
// the shell builtins, answered as frames.
import { killSession, listSessions, shutdownServer, type AdminRefusal } from '../shell/admin.ts';
import { currentRole, type ShellContext } from '../shell/context.ts';
import { elevate } from '../shell/elevate.ts';
import type { ClientFrame, ErrorCode, ServerFrame } from './frames.ts';

type AdminFrame = Extract<ClientFrame, { type: 'sessions' | 'kill' | 'shutdown' | 'elevate' }>;

/** Whether an elevate frame may give this session admin rights: the server has an admin password, the role may. */
export function mayElevate(session: ShellContext): boolean {
  const role = currentRole(session);
  return Boolean(session.config().adminPasswordHash) && role.elevate === true && !role.admin;
}

/** Carries out an admin frame and returns the answer (an error frame when refused). */
export async function adminFrame(session: ShellContext, frame: AdminFrame): Promise<ServerFrame> {
  const { id } = frame;
  if (frame.type === 'elevate') return elevateFrame(session, frame);
  if (frame.type === 'sessions') {
    const listed = await listSessions(session);
    if (!listed.ok) return refusal(session, frame, listed);
    const now = Date.now();
    const sessions = listed.value.map((s) => ({
      id: s.id,
      user: s.user,
      role: s.role,
      address: s.address,
      client: s.clientVersion,
      since: s.since.toISOString(),
      idleMs: now - s.lastActivity.getTime(),
      command: s.command,
      ...(s.certificate && {
        certificate: { keyId: s.certificate.keyId, serial: s.certificate.serial, ca: s.certificate.ca },
      }),
    }));
    return { type: 'sessions', id, sessions };
  }
  const outcome = frame.type === 'kill' ? await killSession(session, frame.session) : await shutdownServer(session);
  return outcome.ok ? { type: 'ok', id, action: frame.type } : refusal(session, frame, outcome);
}

// The shell's `admin` with the frame's password for the prompt: the same checks, counting of wrong passwords (per
// user and per source, across channels), delay after a wrong one, and audit. An admin already is told ok, as the
// shell says "You already have admin rights".
async function elevateFrame(
  session: ShellContext,
  frame: Extract<AdminFrame, { type: 'elevate' }>,
): Promise<ServerFrame> {
  const { id } = frame;
  if (currentRole(session).admin) return { type: 'ok', id, action: 'elevate' };
  const elevated = await elevate(session, () => Promise.resolve(frame.password));
  if (elevated.ok) return { type: 'ok', id, action: 'elevate' };
  // No prompt can be cancelled here: a frame always carries its password.
  const code: ErrorCode = elevated.code === 'cancelled' ? 'denied' : elevated.code;
  return { type: 'error', id, code, message: elevated.reason };
}

// The shell's refusal, reworded where it names what only the shell can do (the `admin` builtin, the `sessions` line).
function refusal(session: ShellContext, frame: AdminFrame, outcome: AdminRefusal): ServerFrame {
  const how = mayElevate(session)
    ? 'send an elevate frame with the admin password'
    : 'log in as a user whose role has admin rights';
  const message =
    outcome.code === 'not_admin'
      ? `'${frame.type}' needs admin rights: ${how}`
      : `no session '${frame.type === 'kill' ? frame.session : ''}': list them with a sessions frame`;
  return { type: 'error', id: frame.id, code: outcome.code, message };
}
