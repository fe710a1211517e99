// ssh2's reject() of a channel open always answers CONNECT_FAILED with no description (lib/server.js), so a user of
// `ssh -L` or `ssh -W` reads "open failed: connect failed:" for what is a policy. OpenSSH answers a forwarding its
// config forbids with SSH_OPEN_ADMINISTRATIVELY_PROHIBITED and a reason; this does the same, by swapping the reason
// in for the one synchronous call reject() makes. Without that internal (another ssh2), plain reject() still refuses.

/** RFC 4254 section 5.1. */
const ADMINISTRATIVELY_PROHIBITED = 1;

type Protocol = { channelOpenFail(recipient: number, reason: number, description: string): void };

/** Refuses a channel open with "administratively prohibited: `description`". */
export function rejectProhibited(connection: object, reject: () => void, description: string): void {
  const protocol = (connection as { _protocol?: Protocol })._protocol;
  if (typeof protocol?.channelOpenFail !== 'function') return reject();
  const original = protocol.channelOpenFail;
  protocol.channelOpenFail = (recipient: number) =>
    original.call(protocol, recipient, ADMINISTRATIVELY_PROHIBITED, description);
  try {
    reject();
  } finally {
    protocol.channelOpenFail = original;
  }
}
