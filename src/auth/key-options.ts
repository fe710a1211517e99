// authorized_keys options (man sshd, AUTHORIZED_KEYS FILE FORMAT; auth-options.c sshauthopt_parse), read at load into
// typed fields. Every option Keyhole keeps is enforced; any other is a load error that says why, never a key loaded
// without its restriction. Names are case-insensitive and values are double-quoted with \" escapes, as in sshd.
import { printable } from '../line/printable.ts';
import { addressListProblem, hostNamePatterns } from './patterns.ts';

export interface KeyOptions {
  /** from="pattern-list": the client's address must match (matchAddressList === 1). */
  readonly from: string | null;
  /** expiry-time="YYYYMMDD[HHMM[SS]][Z]": the key is refused at and after this instant (local time unless Z, as sshd). */
  readonly expiresAt: Date | null;
  /** command="...": the forced command line (backslash-escaped quotes undone as sshd does). */
  readonly command: string | null;
  /** cert-authority: the line is a CA trusted for this user's certificates, not a key to log in with. */
  readonly certAuthority: boolean;
  /** principals="a,b" (only with cert-authority): names accepted in the certificate instead of the user name. */
  readonly principals: readonly string[] | null;
  /** False for no-pty, or restrict without a later pty. */
  readonly ptyAllowed: boolean;
}

type Draft = { -readonly [K in keyof KeyOptions]: KeyOptions[K] };

export const DEFAULT_KEY_OPTIONS: KeyOptions = {
  from: null,
  expiresAt: null,
  command: null,
  certAuthority: false,
  principals: null,
  ptyAllowed: true,
};

const NOTHING = () => {};
// Flags apply in the order written: a later `pty` gives back what an earlier `restrict` took (as in sshd).
// Forwarding and user rc are never granted by Keyhole, so taking them away or "granting" them changes nothing.
const FLAGS = new Map<string, (draft: Draft) => void>(
  Object.entries({
    restrict: (draft) => (draft.ptyAllowed = false),
    'no-pty': (draft) => (draft.ptyAllowed = false),
    pty: (draft) => (draft.ptyAllowed = true),
    'cert-authority': (draft) => (draft.certAuthority = true),
    'no-port-forwarding': NOTHING,
    'no-agent-forwarding': NOTHING,
    'no-x11-forwarding': NOTHING,
    'no-user-rc': NOTHING,
    'port-forwarding': NOTHING,
    'agent-forwarding': NOTHING,
    'x11-forwarding': NOTHING,
    'user-rc': NOTHING,
  }),
);

// Options with a value: each reads its dequoted value into the draft, or says why the value is wrong.
const VALUED = new Map<string, (draft: Draft, value: string) => string | null>(
  Object.entries({
    'from='(draft: Draft, value: string) {
      const problem = addressListProblem(value);
      if (problem !== null) return `from="${shown(value)}" is not a valid address list: ${problem}${hostNote(value)}`;
      draft.from = value;
      return null;
    },
    'expiry-time='(draft: Draft, value: string) {
      draft.expiresAt = parseExpiryTime(value);
      return draft.expiresAt ? null : `expiry-time="${shown(value)}" is not a valid time; use YYYYMMDD[HHMM[SS]][Z]`;
    },
    'command='(draft: Draft, value: string) {
      if (value === '') return 'command="" is empty; give the command the key is limited to';
      draft.command = value;
      return null;
    },
    'principals='(draft: Draft, value: string) {
      const names = value.split(',');
      if (names.includes('')) return `principals="${shown(value)}" has an empty name (check the commas)`;
      draft.principals = names;
      return null;
    },
  }),
);

const SECURITY_KEY = 'it is for security keys (sk-*), which Keyhole does not support';
// Options sshd knows that Keyhole cannot honour: each with why, for the load error.
const REFUSED = new Map<string, string>(
  Object.entries({
    'environment=': 'commands get the fixed environment from the config, a key cannot set variables',
    'permitopen=': 'Keyhole has no port forwarding, so there is nothing it could limit',
    'permitlisten=': 'Keyhole has no remote forwarding, so there is nothing it could limit',
    'tunnel=': 'Keyhole has no tun/tap forwarding',
    'no-touch-required': SECURITY_KEY,
    'touch-required': SECURITY_KEY,
    'verify-required': SECURITY_KEY,
    'no-verify-required': SECURITY_KEY,
  }),
);

/** The typed options of one key line, or why they cannot be honoured (one line, naming the option). */
export function parseKeyOptions(options: readonly string[]): { options: KeyOptions } | { error: string } {
  const draft: Draft = { ...DEFAULT_KEY_OPTIONS };
  const seen = new Set<string>();
  for (const option of options) {
    const error = applyOption(draft, option, seen);
    if (error !== null) return { error };
  }
  if (draft.principals !== null && !draft.certAuthority) {
    return { error: "option 'principals=' is only allowed with cert-authority (as in sshd)" };
  }
  return { options: draft };
}

/** The names of the options here that Keyhole refuses at load (unknown ones included), as `environment=` or `foo`. */
export function refusedOptionNames(options: readonly string[]): string[] {
  return options.map(nameOf).filter((name) => !FLAGS.has(name.toLowerCase()) && !VALUED.has(name.toLowerCase()));
}

/** expiry-time's YYYYMMDD[HHMM[SS]] with an optional Z or UTC (sshd parse_absolute_time); local time otherwise. */
export function parseExpiryTime(text: string): Date | null {
  const match = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?(Z|UTC)?$/i.exec(text);
  if (!match) return null;
  const [year, month, day, hour = 0, minute = 0, second = 0] = match.slice(1, 7).map((part) => Number(part ?? 0));
  if (month! < 1 || month! > 12 || day! < 1 || day! > daysIn(year!, month!)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  // setFullYear, not the Date constructor, which would read years 0-99 as 1900-1999.
  const date = new Date(0);
  if (match[7]) {
    date.setUTCFullYear(year!, month! - 1, day);
    date.setUTCHours(hour, minute, second, 0);
  } else {
    date.setFullYear(year!, month! - 1, day);
    date.setHours(hour, minute, second, 0);
  }
  return date;
}

// Host names in from= never match (Keyhole does no DNS); say so next to an error about the same list.
export function hostNote(list: string): string {
  const names = hostNamePatterns(list);
  return names.length === 0
    ? ''
    : ` (note: '${shown(names[0]!)}' can only be a host name, and Keyhole matches from= against the address only)`;
}

// One option: a flag, a name="value", or the reason it is refused.
function applyOption(draft: Draft, option: string, seen: Set<string>): string | null {
  const name = nameOf(option);
  const key = name.toLowerCase();
  const refused = REFUSED.get(key);
  if (refused !== undefined) return `option '${shown(name)}' is not supported: ${refused}; remove it or the key`;
  const flag = FLAGS.get(key);
  if (flag) {
    flag(draft);
    return null;
  }
  const valued = VALUED.get(key);
  if (valued) {
    if (seen.has(key)) return `option '${shown(name)}' is given twice; keep one`;
    seen.add(key);
    const value = dequote(option.slice(name.length));
    if (value === null) return `option '${shown(name)}' needs one value in double quotes: ${key}"..."`;
    return valued(draft, value);
  }
  if (VALUED.has(`${key}=`)) return `option '${shown(name)}' needs a value: ${key}="..."`;
  if (key.endsWith('=') && FLAGS.has(key.slice(0, -1))) {
    return `option '${shown(name)}' takes no value; write '${key.slice(0, -1)}'`;
  }
  return `unknown option '${shown(name)}' (see AUTHORIZED_KEYS FILE FORMAT in man sshd); remove it or the key`;
}

// `"..."` with \" meaning a quote (opt_dequote; other backslashes stay); null unless the quotes wrap the whole value.
function dequote(text: string): string | null {
  if (!text.startsWith('"')) return null;
  let value = '';
  for (let i = 1; i < text.length; i++) {
    if (text[i] === '\\' && text[i + 1] === '"') value += text[++i];
    else if (text[i] === '"') return i === text.length - 1 ? value : null;
    else value += text[i];
  }
  return null;
}

// `from="..."` -> `from=`, `no-pty` -> `no-pty`: how errors name an option, and how the tables know it.
function nameOf(option: string): string {
  const eq = option.indexOf('=');
  return eq < 0 ? option : option.slice(0, eq + 1);
}

function daysIn(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

function shown(text: string): string {
  return printable(text).slice(0, 200);
}
