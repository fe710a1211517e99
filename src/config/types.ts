// The resolved configuration: what the rest of Keyhole reads once `load` has validated a YAML file or the embedded
// default. Every path here is absolute and every program has been resolved, so nothing downstream re-checks.
import type { AuthorizedKey } from '../auth/authorized-keys.ts';
import type { AuthChain } from '../auth/methods.ts';
import type { RevokedKeys } from '../auth/revocation.ts';

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
  /** What the kernel lets it reach (config/confinement-commands.ts); absent only in hand-built specs (tests). */
  readonly confinement?: CommandConfinement;
}

/** One command's confinement: writable roots, TCP, resource limits, and the files its program needs to start. */
export interface CommandConfinement {
  /** Roots it may write beneath (realpath'd; each is a read root too). */
  readonly writable: readonly string[];
  /** TCP bind/connect allowed (default false). */
  readonly network: boolean;
  readonly limits: CommandLimits;
  /** The program, its loader and shared libraries, and those of the programs `runs:` names (read and execute). */
  readonly programFiles: readonly string[];
}

/** Per-command resource limits (setrlimit in the confinement helper). */
export interface CommandLimits {
  readonly addressSpaceBytes: number;
  /** Absent: the command's timeout rounded up to seconds (10 min without a timeout). */
  readonly cpuSeconds?: number;
  readonly fileSizeBytes: number;
  readonly openFiles: number;
  /** RLIMIT_NPROC: the kernel counts every process and thread of the runAs user, not of one command. */
  readonly processes: number;
}

/** Whether commands run confined, as decided at load: the mode asked for and what this machine can do. */
export interface ConfinementStatus {
  readonly mode: 'required' | 'auto' | 'off';
  /** The helper's path, or null when commands run unconfined (mode off, or the helper is not built). */
  readonly helper: string | null;
  /** Landlock ABI the kernel offers (0: none, or not probed). */
  readonly landlockAbi: number;
  /** Why confinement is weaker than full (set whenever it is). */
  readonly reason?: string;
}

export interface RoleSpec {
  readonly name: string;
  /** Command names allowed, with those of inherited roles already merged in. */
  readonly commands: readonly string[];
  /** Whether the role may use the admin builtins (sessions, kill, shutdown). */
  readonly admin: boolean;
  /** Whether users of the role may use `admin` to elevate with the admin password (never inherited; absent: no). */
  readonly elevate?: boolean;
}

export interface UserSpec {
  readonly name: string;
  readonly role: string;
  /** scrypt hash from `keyhole hash-password`, when password login is allowed. */
  readonly passwordHash?: string;
  /** Parsed OpenSSH authorized_keys entries (from a file or inline), when key login is allowed. */
  readonly authorizedKeys: readonly AuthorizedKey[];
  /** Names a certificate from a trusted CA may carry for this user; null: the user name itself. */
  readonly principals: readonly string[] | null;
  /** sshd's AuthenticationMethods, from the user or else its role: alternatives, each a chain of methods that must
   * all succeed in order. Absent: DEFAULT_CHAINS (publickey or password, either alone). */
  readonly authenticationMethods?: readonly AuthChain[];
}

/** `totp:`: the secrets file and the secrets it held when the config loaded (never audited, logged or printed). */
export interface TotpSecrets {
  readonly file: string;
  readonly secrets: ReadonlyMap<string, Buffer>;
}

/** OpenSSH's MaxStartups: from `start` unauthenticated connections refuse rate%, rising linearly to 100% at `full`. */
export interface StartupsLimit {
  readonly start: number;
  readonly rate: number;
  readonly full: number;
}

export interface Limits {
  readonly commandTimeoutMs: number;
  readonly maxOutputBytes: number;
  /** How long running commands may go on after `shutdown` before they are killed. */
  readonly shutdownGraceMs: number;
  readonly maxAuthTries: number;
  /** From TCP accept: a connection not authenticated by then is closed (and its source penalised: grace-exceeded). */
  readonly loginGraceTimeMs: number;
  /** Unauthenticated connections in total (OpenSSH MaxStartups start:rate:full, random early drop in between). */
  readonly maxStartups: StartupsLimit;
  /** Unauthenticated connections of one source (IPv4 address or IPv6 /64) at once (OpenSSH PerSourceMaxStartups). */
  readonly maxStartupsPerSource: number;
  readonly maxSessions: number;
  readonly maxSessionsPerUser: number;
  readonly idleTimeoutMs: number;
  readonly maxLineBytes: number;
  /** Audit bytes one session may cause per minute before it is ended (0: no budget). */
  readonly auditBytesPerMinute: number;
  /** Runs in flight at once on one automation-protocol channel. */
  readonly maxRunsPerSession: number;
  /** Runs in flight at once across all automation-protocol channels of one connection. */
  readonly maxRunsPerConnection: number;
  /** Session channels open at once on one connection (OpenSSH MaxSessions). */
  readonly maxChannelsPerConnection: number;
  /** Commands running at once for one user, across all their sessions and channels. */
  readonly maxCommandsPerUser: number;
  /** Wrong admin passwords per user or per source within adminLockoutMs before `admin` is locked for that long. */
  readonly maxAdminFailures: number;
  readonly adminLockoutMs: number;
  /** The wait before a wrong admin password is answered, doubled with each failure in the window (capped at 32x). */
  readonly adminFailDelayMs: number;
  /** SSH keepalive probes to the client every this often (0: none); after keepaliveCountMax unanswered, drop it. */
  readonly keepaliveIntervalMs: number;
  readonly keepaliveCountMax: number;
}

/** Per-source penalties (see server/penalties.ts), or null when disabled. */
export interface PenaltyConfig {
  readonly authFailSec: number;
  readonly noAuthSec: number;
  /** For a connection closed by loginGraceTime (OpenSSH grace-exceeded). */
  readonly graceExceededSec: number;
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
  /** CAs whose user certificates log in (`trustedUserCAKeys`), for every user. */
  readonly trustedUserCAs: readonly AuthorizedKey[];
  /** Keys and certificates refused though authorized (`revokedKeys`, sshd's RevokedKeys); NOTHING_REVOKED if none. */
  readonly revokedKeys: RevokedKeys;
  readonly roles: ReadonlyMap<string, RoleSpec>;
  readonly commands: ReadonlyMap<string, CommandSpec>;
  /** The TOTP secrets for keyboard-interactive (`totp.secrets`); absent when the config names no file. */
  readonly totp?: TotpSecrets;
  /** Environment given to every child (PATH, LANG, ...). */
  readonly env: Readonly<Record<string, string>>;
  /** Names of client `env` requests that are honoured (exact names, or prefixes ending in `*` such as `LC_*`). */
  readonly acceptEnv: readonly string[];
  /** Working directory of every child. */
  readonly cwd: string;
  readonly penalties: PenaltyConfig | null;
  /** Null: commands run as the server's own user (a server not started as root, or `runAs: root`). */
  readonly runAs: RunAs | null;
  /** Landlock, no_new_privs and rlimits per command through the helper, or why not (config/confinement.ts). */
  readonly confinement: ConfinementStatus;
  /** Things that load but deserve the operator's attention (printed at start-up and by check-config). */
  readonly warnings: readonly string[];
  /** True when the config uses the embedded demo credentials: the server then refuses a non-loopback address. */
  readonly demoCredentials: boolean;
}
