// The resolved configuration: what the rest of Keyhole reads once `load` has validated a YAML file or the embedded
// default. Every path here is absolute and every program has been resolved, so nothing downstream re-checks.
import type { AuthorizedKey } from '../auth/authorized-keys.ts';

/** One problem found in a config: where (the field's path) and what. */
export interface ConfigProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** How the arguments of one allowed command are checked. */
export interface CommandSpec {
  /** The name the user types (`ls`, or an alias such as `disk`). */
  readonly name: string;
  /** Absolute path of the program, resolved (realpath) when the config loads. */
  readonly program: string;
  /** Arguments always placed first, before the user's (an alias `disk` → `df -h` has fixedArgs ['-h']). */
  readonly fixedArgs: readonly string[];
  /**
   * 'none': no user arguments at all. 'any': every argument passes (still tokenized, never expanded).
   * 'rules': options must be listed in `flags`; operands must satisfy `paths` and/or `patterns`.
   */
  readonly args: 'none' | 'any' | 'rules';
  /** Options the user may give, exactly as written (`-l`, `--human-readable`). Combined short options (`-la`) pass
   * when every letter is itself a listed single-letter option. */
  readonly flags: readonly string[];
  /**
   * Options that take a value (`-f FILE`, `-fFILE`, `--file=FILE`, `--file FILE`), and what the value must be: 'path'
   * (checked like a path operand) or a pattern. In a cluster (`-tvf x`) such a letter takes the rest as its value,
   * as getopt does, so `-or` can never smuggle a value past the check.
   */
  readonly valueFlags: ReadonlyMap<string, 'path' | RegExp>;
  /** Operands must be paths that resolve (after `..` and symlinks) inside one of these roots (realpath'd at load). */
  readonly paths: readonly string[];
  /** Operands that are not paths must match one of these (anchored) patterns. */
  readonly patterns: readonly RegExp[];
  /** At most this many user arguments (options and operands together). */
  readonly maxArgs: number;
  /** Whether the client's stdin is passed to the program (otherwise it gets /dev/null). */
  readonly interactive: boolean;
  /** Overrides limits.commandTimeoutMs for this command. */
  readonly timeoutMs?: number;
}

export interface RoleSpec {
  readonly name: string;
  /** Command names allowed, with those of inherited roles already merged in. */
  readonly commands: readonly string[];
  /** Whether the role may use the admin builtins (sessions, kill, shutdown). */
  readonly admin: boolean;
}

export interface UserSpec {
  readonly name: string;
  readonly role: string;
  /** scrypt hash from `keyhole hash-password`, when password login is allowed. */
  readonly passwordHash?: string;
  /** Parsed OpenSSH authorized_keys entries (from a file or inline), when key login is allowed. */
  readonly authorizedKeys: readonly AuthorizedKey[];
}

export interface Limits {
  readonly commandTimeoutMs: number;
  readonly maxOutputBytes: number;
  /** How long running commands may go on after `shutdown` before they are killed. */
  readonly shutdownGraceMs: number;
  readonly maxAuthTries: number;
  readonly loginGraceTimeMs: number;
  readonly maxStartups: number;
  readonly maxSessions: number;
  readonly maxSessionsPerUser: number;
  readonly idleTimeoutMs: number;
  readonly maxLineBytes: number;
  /** Runs in flight at once on one automation-protocol channel. */
  readonly maxRunsPerSession: number;
  /** SSH keepalive probes to the client every this often (0: none); after keepaliveCountMax unanswered, drop it. */
  readonly keepaliveIntervalMs: number;
  readonly keepaliveCountMax: number;
}

/** Per-source penalties (see server/penalties.ts), or null when disabled. */
export interface PenaltyConfig {
  readonly authFailSec: number;
  readonly noAuthSec: number;
  readonly thresholdSec: number;
  readonly maxSec: number;
  readonly maxSources: number;
  /** Sources (IPv4 addresses, or IPv6 /64 as `a:b:c:d::/64`) never penalised. */
  readonly exempt: readonly string[];
}

/** The OS identity commands run as when the server runs as root. */
export interface RunAs {
  readonly user: string;
  readonly uid: number;
  readonly gid: number;
  /**
   * Set only for the implicit runAs of a root server whose config names none: the setpriv binary through which the
   * child keeps CAP_DAC_READ_SEARCH (read and search any file, nothing else), so files only root could read under the
   * allowed roots stay readable while the command cannot write, signal or own anything as root.
   */
  readonly readSearchVia?: string;
}

export interface Config {
  /** Where the config came from: a file path, or '<embedded default>'. */
  readonly source: string;
  readonly listen: { readonly host: string; readonly port: number };
  /** Absolute paths of host key files; a missing ed25519 key is generated on start. */
  readonly hostKeys: readonly string[];
  readonly adminPasswordHash?: string;
  readonly audit: { readonly file?: string };
  readonly limits: Limits;
  readonly users: ReadonlyMap<string, UserSpec>;
  readonly roles: ReadonlyMap<string, RoleSpec>;
  readonly commands: ReadonlyMap<string, CommandSpec>;
  /** Environment given to every child (PATH, LANG, ...). */
  readonly env: Readonly<Record<string, string>>;
  /** Names of client `env` requests that are honoured (exact names, or prefixes ending in `*` such as `LC_*`). */
  readonly acceptEnv: readonly string[];
  /** Working directory of every child. */
  readonly cwd: string;
  readonly penalties: PenaltyConfig | null;
  /** Null: commands run as the server's own user (a server not started as root, or `runAs: root`). */
  readonly runAs: RunAs | null;
  /** Things that load but deserve the operator's attention (printed at start-up and by check-config). */
  readonly warnings: readonly string[];
  /** True when the config uses the embedded demo credentials: the server then refuses a non-loopback address. */
  readonly demoCredentials: boolean;
}
