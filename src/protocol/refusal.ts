// One refusal as it travels from the policy to the client's RemoteError: a stable code, the exit status a shell
// gives it, and a one-line reason. The table of codes to exit statuses is here and nowhere else. Pure data.
import type { ErrorCode } from './frames.ts';

export interface Refusal {
  /** Stable and machine-readable: what the error frame carries. */
  readonly code: ErrorCode;
  /** The shell's status for it: 126 denied, 127 unknown command, 1 otherwise. */
  readonly exitCode: number;
  /** One line for humans. */
  readonly reason: string;
}

// The "shell equivalent" column of docs/PROTOCOL.md's error codes; any other code is 1.
const EXIT_CODES: Readonly<Partial<Record<ErrorCode, number>>> = {
  denied: 126,
  unknown_command: 127,
  too_large: 126,
  not_admin: 126,
};

/** The exit status a shell gives a refusal with this code (a code the table does not know is 1). */
export function refusalExitCode(code: string): number {
  return Object.hasOwn(EXIT_CODES, code) ? EXIT_CODES[code as ErrorCode]! : 1;
}

/** A refusal with this code and reason, and the exit status that goes with the code. */
export function refusal(code: ErrorCode, reason: string): Refusal {
  return { code, exitCode: refusalExitCode(code), reason };
}

/**
 * A refusal known by its exit status only, as the policy and the tokenizer give it: an unknown command (127), or
 * denied. The status is kept as given.
 */
export function refusalOfStatus(exitCode: number, reason: string): Refusal {
  return { code: exitCode === EXIT_CODES.unknown_command ? 'unknown_command' : 'denied', exitCode, reason };
}
