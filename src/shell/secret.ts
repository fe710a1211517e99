// Reads a secret (the admin password) on a pty without echo: Enter ends it, Backspace edits, Ctrl-C or Ctrl-D cancel.

const MAX_SECRET = 1024;

/**
 * Writes `prompt`, then takes keystrokes through the feed that `attach` installs until the secret is complete.
 * `attach` returns a function that removes the feed again.
 */
export function readSecret(
  write: (text: string) => void,
  prompt: string,
  attach: (feed: (data: Buffer) => void) => () => void,
): Promise<string | null> {
  return new Promise((resolve) => {
    let secret = Buffer.alloc(0);
    const finish = (value: string | null) => {
      detach();
      write('\r\n');
      resolve(value);
    };
    const detach = attach((data) => {
      for (const byte of data) {
        if (byte === 0x0d || byte === 0x0a) return finish(secret.toString('utf8'));
        if (byte === 0x03 || byte === 0x04) return finish(null);
        if (byte === 0x7f || byte === 0x08) secret = secret.subarray(0, Math.max(0, secret.length - 1));
        else if (byte >= 0x20 && secret.length < MAX_SECRET) secret = Buffer.concat([secret, Buffer.from([byte])]);
      }
    });
    write(prompt);
  });
}
