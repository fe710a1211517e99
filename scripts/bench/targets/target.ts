// What every figure needs to know about a server under test, whichever server it is.
export type ServerName = 'keyhole' | 'sshd';

export interface Target {
  readonly name: ServerName;
  readonly port: number;
  /** The login name the clients use. */
  readonly user: string;
  /** How the server confines commands, as Keyhole says at start-up (e.g. 'auto, Landlock ABI 7, helper /…'). */
  readonly confinement?: string;
  /** The server's own processes, whose memory counts as the server's (sshd: the listener and every child). */
  pids(): number[];
  /** Ends every process this target started (by PID); safe to call twice. */
  stop(): Promise<void>;
}

/** Where a client connects: all a load generator needs (it may run in another process, without the PIDs). */
export type Endpoint = Pick<Target, 'name' | 'port' | 'user'>;
