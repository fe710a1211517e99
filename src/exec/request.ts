// What a caller asks the runner for: one program with its argv, environment, limits, streams and identity.
import type { ConfinePlan } from './confine.ts';

export interface RunRequest {
  /** Absolute path of the program; the child sees its basename as argv[0]. */
  readonly program: string;
  /** The arguments after argv[0]. */
  readonly args: readonly string[];
  /** The complete environment: nothing is inherited from the server. */
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** 0 = no timeout. */
  readonly timeoutMs: number;
  /** Cap on stdout and stderr together; 0 = no cap. */
  readonly maxOutputBytes: number;
  /** Piped to the child when given; otherwise the child's stdin is /dev/null. */
  readonly stdin?: NodeJS.ReadableStream | null;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** Abort = the session ended or the user pressed Ctrl-C: the process group is killed. */
  readonly signal?: AbortSignal;
  /** Run as this user and group (needs the server to run as root). */
  readonly uid?: number;
  readonly gid?: number;
  /**
   * With uid and gid: the setpriv binary that switches to them keeping CAP_DAC_READ_SEARCH and nothing else (the
   * implicit runAs of a root server, see config/run-as.ts). setpriv execs the program, so the pid stays the same.
   */
  readonly readSearchVia?: string;
  /**
   * Run through the confinement helper (src/native/confine.c) with this plan: it drops to uid/gid itself (keeping
   * CAP_DAC_READ_SEARCH when readSearchVia is set), so setpriv and Node's uid switch are not used.
   */
  readonly confine?: ConfinePlan;
  /** How long after SIGTERM the group gets SIGKILL (default 2000). */
  readonly killGraceMs?: number;
}
