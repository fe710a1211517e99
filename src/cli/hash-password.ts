// `keyhole hash-password`: a hidden prompt (asked twice) on a terminal, one line from stdin otherwise.
import { hashPassword } from '../auth/password.ts';
import { fail } from './exit.ts';
import { promptHidden, readLine } from './prompt.ts';

/** Prints the scrypt hash of a password read from the terminal or stdin. */
export async function hashPasswordCommand(): Promise<void> {
  let password: string | null;
  if (process.stdin.isTTY) {
    password = await promptHidden('Password: ');
    const again = await promptHidden('Again: ');
    if (password !== again) fail('the two passwords differ; nothing was printed');
  } else {
    password = await readLine(process.stdin);
  }
  if (password === null || password === '') fail('no password given (an empty password is not allowed)');
  process.stdout.write(`${await hashPassword(password)}\n`);
}
