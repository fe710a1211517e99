// The admin frames (sessions, kill, shutdown): the same actions and audit as the shell builtins, answered as frames.
import { killSession, listSessions, shutdownServer, type AdminRefusal } from '../shell/admin.ts';
import type { ShellContext } from '../shell/context.ts';
import type { ClientFrame, ServerFrame } from './frames.ts';

type AdminFrame = Extract<ClientFrame, { type: 'sessions' | 'kill' | 'shutdown' }>;

/** Carries out an admin frame and returns the answer (an error frame when refused). */
export async function adminFrame(session: ShellContext, frame: AdminFrame): Promise<ServerFrame> {
  const { id } = frame;
  if (frame.type === 'sessions') {
    const listed = await listSessions(session);
    if (!listed.ok) return refusal(frame, listed);
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
    }));
    return { type: 'sessions', id, sessions };
  }
  const outcome = frame.type === 'kill' ? await killSession(session, frame.session) : await shutdownServer(session);
  return outcome.ok ? { type: 'ok', id, action: frame.type } : refusal(frame, outcome);
}

// The shell's refusal, reworded where it names what only the shell can do (the `admin` builtin, the `sessions` line).
function refusal(frame: AdminFrame, outcome: AdminRefusal): ServerFrame {
  const message =
    outcome.code === 'not_admin'
      ? `'${frame.type}' needs admin rights: log in as a user whose role has admin rights`
      : `no session '${frame.type === 'kill' ? frame.session : ''}': list them with a sessions frame`;
  return { type: 'error', id: frame.id, code: outcome.code, message };
}
