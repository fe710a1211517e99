// Drives many ssh2 clients at once against a test server, a share of them dropping their connection at chosen moments,
// and accounts for what the server leaves behind: child processes, file descriptors and unmatched audit records.
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import net from 'node:net';
import ssh2 from 'ssh2';
import type { AuditRecord } from '../../src/audit/events.ts';
import { execOn, type ExecResult } from '../helpers/clients.ts';

/** Where a dropping client lets go: before auth, once logged in, as its exec request leaves, at its first output, while
 * its command runs (seen in the audit), or after a random delay. */
export const DROP_POINTS = ['handshake', 'ready', 'exec-sent', 'first-output', 'mid-command', 'random-delay'] as const;
export type DropPoint = (typeof DROP_POINTS)[number];

export interface Drop {
  readonly point: DropPoint;
  /** A polite SSH disconnect, or the TCP socket destroyed under the client. */
  readonly how: 'end' | 'destroy';
  readonly delayMs: number;
}

export interface ClientPlan {
  readonly index: number;
  /** Lines run one after another on exec channels, with the stdout each must print; a dropping client runs one. */
  readonly commands: readonly { readonly line: string; readonly stdout: string }[];
  readonly drop: Drop | null;
}

export interface ClientOutcome {
  readonly plan: ClientPlan;
  readonly results: readonly ExecResult[];
}

/** Waits for the audit record of a command whose argv[1] is the given text (how `mid-command` finds its moment). */
export type CommandSeen = (arg: string) => Promise<unknown>;

/** A small seeded PRNG (mulberry32), so that a run can be repeated with the seed it printed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Plans `n` clients: every third one drops (at a random point, politely or not), the others run three commands. */
export function makePlans(n: number, seed: number): ClientPlan[] {
  const rand = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  return Array.from({ length: n }, (_, index) => {
    const menu = [
      { line: `echo load-${index}`, stdout: `load-${index}\n` },
      { line: 'cat hello.txt', stdout: 'srv-file\n' },
      { line: 'sleep 1', stdout: '' },
      { line: 'sleep 0', stdout: '' },
    ];
    if (index % 3 !== 2) return { index, commands: [pick(menu), pick(menu), pick(menu)], drop: null };
    const drop: Drop = { point: pick(DROP_POINTS), how: pick(['end', 'destroy'] as const), delayMs: rand() * 40 };
    // A command that outlives any drop (the audit shows it running), one that floods, or any of the menu.
    const line =
      drop.point === 'mid-command'
        ? `sleep ${1000 + index}`
        : drop.point === 'first-output'
          ? 'flood'
          : pick(menu).line;
    return { index, commands: [{ line, stdout: '' }], drop };
  });
}

/** Runs one planned client to its end (its connection closed); never rejects. */
export async function runClient(
  port: number,
  privateKey: Buffer,
  plan: ClientPlan,
  seen: CommandSeen,
): Promise<ClientOutcome> {
  const sock = net.connect(port, '127.0.0.1');
  const client = new ssh2.Client();
  const closed = once(client, 'close');
  client.on('error', () => undefined); // a dropped connection reports errors: expected here
  const drop = () => (plan.drop?.how === 'destroy' ? sock.destroy() : client.end());
  if (plan.drop?.point === 'handshake') client.once('handshake', drop);
  client.connect({ sock, username: 'deploy', privateKey, readyTimeout: 300_000 });
  const ready = await Promise.race([once(client, 'ready').then(() => true), closed.then(() => false)]);
  const results: ExecResult[] = [];
  if (ready && plan.drop) dropDuring(client, plan, drop, seen);
  else if (ready) {
    for (const { line } of plan.commands) results.push(await execOn(client, line).catch(failed));
    client.end();
  }
  await closed;
  return { plan, results };
}

// Starts the dropping client's one command and lets go at its planned moment.
function dropDuring(client: ssh2.Client, plan: ClientPlan, drop: () => void, seen: CommandSeen): void {
  const { point, delayMs } = plan.drop!;
  if (point === 'ready') return drop();
  const line = plan.commands[0]!.line;
  client.exec(line, (err, channel) => {
    if (err) return;
    channel.stderr.resume();
    if (point === 'first-output') channel.once('data', drop);
    else channel.resume();
  });
  if (point === 'exec-sent') drop();
  if (point === 'random-delay') setTimeout(drop, delayMs);
  if (point === 'mid-command') void seen(line.split(' ')[1]!).then(drop);
}

function failed(err: Error): ExecResult {
  return { stdout: '', stderr: err.message, code: null };
}

/** How many file descriptors this process holds. */
export function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

/** Allowed `command` records without an `exit` of the same session and argv, and `exit`s without a command. */
export function unmatchedAudit(records: readonly AuditRecord[]): string[] {
  const open = new Map<string, number>();
  const problems: string[] = [];
  for (const r of records) {
    if (r.event === 'command' && r.allowed) {
      const key = `${r.session} ${JSON.stringify(r.argv)}`;
      open.set(key, (open.get(key) ?? 0) + 1);
    } else if (r.event === 'exit') {
      const key = `${r.session} ${JSON.stringify(r.argv)}`;
      const n = open.get(key) ?? 0;
      if (n === 0) problems.push(`exit without command: ${key}`);
      else open.set(key, n - 1);
    }
  }
  for (const [key, n] of open) if (n > 0) problems.push(`command without exit (${n}): ${key}`);
  return problems;
}
