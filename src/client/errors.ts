// The errors the client library throws: one class per kind of failure, each with a stable `code` to branch on.
import type { ErrorCode } from '../protocol/frames.ts';
import type { Refusal } from '../protocol/refusal.ts';

export type ClientErrorCode =
  | 'connect_failed'
  | 'auth_failed'
  | 'host_key_unknown'
  | 'host_key_changed'
  | 'host_key_revoked'
  | 'protocol'
  | 'closed';

/** Base class: every error from the Keyhole client is one of these. */
export class KeyholeError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The connection could not be made or was lost (the `keyhole exec` exit status is then 255). */
export class ConnectionError extends KeyholeError {}

/** No offered credential was accepted. */
export class AuthenticationError extends KeyholeError {
  constructor(message: string) {
    super('auth_failed', message);
  }
}

/** The server's host key is not known, has changed, or is revoked: the connection was refused before auth. */
export class HostKeyError extends KeyholeError {
  constructor(
    code: 'host_key_unknown' | 'host_key_changed' | 'host_key_revoked',
    message: string,
    readonly fingerprint: string,
  ) {
    super(code, message);
  }
}

/** The server refused a request with a protocol error frame (`denied`, `unknown_command`, `not_admin`, ...). */
export class RemoteError extends KeyholeError implements Refusal {
  declare readonly code: ErrorCode;
  /** The shell convention for the refusal (protocol/refusal.ts): 126 denied, 127 unknown command, 1 otherwise. */
  readonly exitCode: number;
  /** The server's one-line reason, which is also the message. */
  readonly reason: string;

  constructor(refused: Refusal) {
    super(refused.code, refused.reason);
    this.exitCode = refused.exitCode;
    this.reason = refused.reason;
  }
}
