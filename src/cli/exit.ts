// Exit codes of the keyhole program, and the one helper that ends the process.

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Prints a one-line error and exits. */
export function fail(message: string, code = EXIT_FAILURE): never {
  process.stderr.write(`keyhole: ${message}\n`);
  process.exit(code);
}
