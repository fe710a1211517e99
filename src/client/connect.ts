// The library's front door: connect to a Keyhole server and get a protocol session to run commands on.
import { ProtocolSession } from './session.ts';
import { openConnection, type ConnectOptions } from './transport.ts';

export type KeyholeClient = ProtocolSession;

/** Connects, authenticates, checks the host key and opens the keyhole-v1 protocol. */
export async function connect(options: ConnectOptions & { clientName?: string }): Promise<KeyholeClient> {
  const connection = await openConnection(options);
  try {
    return await ProtocolSession.open(connection, options.clientName);
  } catch (err) {
    connection.end();
    throw err;
  }
}
