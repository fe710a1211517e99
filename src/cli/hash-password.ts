// `keyhole hash-password`: a hidden prompt (asked twice) on a terminal, one line from stdin otherwise.
import { hashPassword } from '../auth/password.ts';
import { fail } from './exit.ts';
import { promptHidden, readLine } from './prompt.ts';

/** Characters a password needs unless --allow-short: a short one is guessed offline from its hash in hours. */
export const MIN_PASSWORD_CHARS = 12;

/** Prints the scrypt hash of a password read from the terminal or stdin. */
export async function hashPasswordCommand(opts: { allowShort?: boolean } = {}): Promise<void> {
  let password: string | null;
  if (process.stdin.isTTY) {
    password = await promptHidden('Password: ');
    const again = await promptHidden('Again: ');
    if (password !== again) fail('the two passwords differ; nothing was printed');
  } else {
    password = await readLine(process.stdin);
  }
  if (password === null || password === '') fail('no password given (an empty password is not allowed)');
  const chars = [...password].length;
  if (chars < MIN_PASSWORD_CHARS && !opts.allowShort) {
    const why = `the password has ${chars} characters; use at least ${MIN_PASSWORD_CHARS} (or --allow-short)`;
    // A person at the prompt is refused; a script piping one line in is warned (scripts and tests keep working).
    if (process.stdin.isTTY) fail(`${why}; nothing was printed`);
    process.stderr.write(`keyhole: warning: ${why}\n`);
  }
  process.stdout.write(`${await hashPassword(password)}\n`);
}
