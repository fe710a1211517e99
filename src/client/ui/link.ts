// The terminal client's connection: a protocol session plus what the library does not say by itself, namely when the
// connection drops (and why) and how long a round trip takes (a `list` request, which the server answers at once).
import type { CommandInfo } from '../../protocol/frames.ts';
import { ProtocolSession } from '../session.ts';
import { openConnection, type ConnectOptions } from '../transport.ts';

export interface Link {
  readonly client: ProtocolSession;
  /** Resolves with a reason once the connection is gone, whoever ended it. */
  readonly closed: Promise<string>;
  /** Ends the connection. */
  close(): void;
}

/** Opens a connection for the terminal client; rejects with the library's typed errors. */
export async function openLink(options: ConnectOptions): Promise<Link> {
  const connection = await openConnection(options);
  let lastError = '';
  connection.on('error', (err: Error) => (lastError = err.message));
  const closed = new Promise<string>((resolve) =>
    connection.once('close', () =>
      resolve(lastError ? `the connection was lost: ${lastError}` : 'the server closed the connection'),
    ),
  );
  try {
    const client = await ProtocolSession.open(connection, 'keyhole-connect');
    return { client, closed, close: () => client.close() };
  } catch (err) {
    connection.end();
    throw err;
  }
}

/** One `list` round trip: its time in milliseconds and the commands (a reloaded config may have changed them).
 * Rejects when the connection is gone, or after `timeoutMs` without an answer. */
export async function measure(
  client: ProtocolSession,
  timeoutMs: number,
): Promise<{ latencyMs: number; commands: CommandInfo[] }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const commands = await Promise.race([client.list(), late]);
    return { latencyMs: performance.now() - started, commands };
  } finally {
    clearTimeout(timer);
  }
}
