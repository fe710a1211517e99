// What happens when the connection drops: the transcript says so plainly, a dialog offers to reconnect (Enter), and
// reconnecting asks for the password again in a dialog when the server wants one.
import { askSecret, confirm } from './dialog.ts';
import type { AppContext } from './dispatch.ts';
import { noteLine, refusalLine } from './format.ts';

/** Shows the drop and offers to reconnect. */
export async function offerReconnect(ctx: AppContext, reason: string): Promise<void> {
  ctx.pane.add(refusalLine('disconnected', reason, ctx.theme));
  if (ctx.sessions.isOpen) ctx.sessions.close();
  const question = `${reason.charAt(0).toUpperCase()}${reason.slice(1)}.\nReconnect to ${ctx.label}?`;
  if (await confirm(ctx, 'Connection lost', question, true)) return reconnect(ctx);
  ctx.pane.add(noteLine('not connected: type :reconnect to try again, or press Ctrl-D to quit', ctx.theme));
}

/** Connects again with the same credentials (`:reconnect`, or the offer after a drop). */
export async function reconnect(ctx: AppContext): Promise<void> {
  if (ctx.connection.client) return void ctx.pane.add(noteLine('already connected', ctx.theme));
  if (ctx.connection.state === 'reconnecting') return;
  ctx.pane.add(noteLine(`reconnecting to ${ctx.label}...`, ctx.theme));
  const ask = () => askSecret(ctx, 'Password', `Password for ${ctx.label}:`);
  const result = await ctx.connection.reconnect(ask);
  if (!result.ok) return void ctx.pane.add(refusalLine('reconnect failed', result.reason, ctx.theme));
  ctx.identityChanged();
  ctx.pane.add(noteLine(`reconnected: session ${result.session}`, ctx.theme));
}
