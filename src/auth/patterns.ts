// OpenSSH's pattern lists, ported so that from= (authorized_keys) and source-address (certificates) decide exactly as
// sshd does: match.c match_pattern, addrmatch.c addr_match_list and addr_match_cidr_list. Pure, and checked against
// sshd itself in the tests.
//
// sshd matches from= against the client's host name OR its address. Keyhole does no DNS (as sshd with UseDNS no), so
// only the address counts: a host-name pattern is accepted, as sshd accepts it, but can only ever match through
// wildcards that also match the address text (`*`).
import { formatIpv4, isDottedQuad, parseCidr, parseIp, unmapIpv4, inNetwork, type IpAddress } from './ip-address.ts';

interface Client {
  address: IpAddress;
  /** The address as text, which wildcard entries match (sshd matches the text getnameinfo gave it). */
  text: string;
}

// INET6_ADDRSTRLEN + 3 for `/nnn`: addr_match_cidr_list refuses longer entries before parsing them.
const CIDR_ENTRY_MAX = 49;
const CIDR_CHARS_RE = /^[0-9a-fA-F.:/]*$/;

/** OpenSSH match.c match_pattern: '*' and '?' wildcards, whole string, case-insensitive for hosts as match_hostname. */
export function matchPattern(text: string, pattern: string): boolean {
  return wildcardMatch(asciiLower(text), asciiLower(pattern));
}

/** OpenSSH addrmatch.c addr_match_list for from=: comma-separated list of address patterns with wildcards, CIDR (10.0.0.0/8, 2001:db8::/32), and !negation (a negated match refuses even if another entry matches). Returns 1 match, 0 no match, -1 negated match or -2 bad list (e.g. a malformed CIDR). */
export function matchAddressList(ip: string, list: string): 1 | 0 | -1 | -2 {
  const client = parseClient(ip);
  if (client === null) return 0; // as sshd: an address it cannot read matches nothing
  let result: 1 | 0 = 0;
  for (const raw of list.split(',')) {
    const negated = raw.startsWith('!');
    const entry = negated ? raw.slice(1) : raw;
    if (entry === '') return -2;
    const cidr = parseCidr(entry);
    if (cidr !== null && 'inconsistent' in cidr) return -2;
    // Not a CIDR: a wildcard over the address text, case-sensitive as in addr_match_list (not a host name match).
    const hit = cidr !== null ? inNetwork(client.address, cidr.network, cidr.bits) : wildcardMatch(client.text, entry);
    if (hit && negated) return -1;
    if (hit) result = 1;
  }
  return result;
}

/** OpenSSH addr_match_cidr_list for a certificate's source-address: comma-separated addresses/CIDRs only (no wildcards, no negation); -1 for a malformed list. */
export function matchCidrList(ip: string, list: string): 1 | 0 | -1 {
  if (cidrListProblem(list) !== null) return -1;
  const client = parseClient(ip);
  if (client === null) return 0;
  for (const entry of list.split(',')) {
    const cidr = parseCidr(entry);
    if (cidr !== null && !('inconsistent' in cidr) && inNetwork(client.address, cidr.network, cidr.bits)) return 1;
  }
  return 0;
}

/**
 * Validates a list as the above would at load time: null or the reason it is malformed.
 * Stricter than sshd in two ways, both about entries that cannot mean what they seem to: an entry with a `/` that is no
 * CIDR (sshd would try it as a wildcard, which never matches an address), and IPv4 written other than as a dotted quad
 * (`127.1`, `010.0.0.1` = 8.0.0.1, `0x7f.0.0.1`: sshd reads them as inet_aton does, few readers would).
 */
export function addressListProblem(list: string): string | null {
  for (const raw of list.split(',')) {
    const entry = raw.startsWith('!') ? raw.slice(1) : raw;
    if (entry === '') return list === '' ? 'the list is empty' : 'empty entry in the list (check the commas)';
    const problem = cidrEntryProblem(entry);
    if (problem !== null) return problem;
    if (parseCidr(entry) === null && entry.includes('/')) {
      return `'${entry}' is not a network in CIDR form (address/prefix length, as 10.0.0.0/8)`;
    }
  }
  return null;
}

/** Validates a list as matchCidrList would: null or the reason it is malformed (matchCidrList returns -1 then). */
export function cidrListProblem(list: string): string | null {
  for (const entry of list.split(',')) {
    if (entry === '') return list === '' ? 'the list is empty' : 'empty entry in the list (check the commas)';
    // sshd checks the length and the characters before parsing: the list comes from a client's certificate.
    if (entry.length > CIDR_ENTRY_MAX) return `'${entry.slice(0, CIDR_ENTRY_MAX)}...' is too long for an address`;
    if (!CIDR_CHARS_RE.test(entry)) return `'${entry}' is not an address or network (no wildcards, names or '!' here)`;
    if (parseCidr(entry) === null) return `'${entry}' is not an address or a network in CIDR form`;
    const problem = cidrEntryProblem(entry);
    if (problem !== null) return problem;
  }
  return null;
}

/** The entries of a from= list that can only be host names: they never match here, since Keyhole does no DNS. */
export function hostNamePatterns(list: string): string[] {
  return list
    .split(',')
    .map((raw) => (raw.startsWith('!') ? raw.slice(1) : raw))
    .filter((entry) => parseCidr(entry) === null)
    .filter((entry) => /[g-z]/i.test(entry) || (/[a-f]/i.test(entry) && !/[:*?]/.test(entry)));
}

// Why a CIDR-looking entry is wrong (inconsistent mask, host bits, non-dotted IPv4), or null.
function cidrEntryProblem(entry: string): string | null {
  const cidr = parseCidr(entry);
  if (cidr === null) return null;
  const [address = '', mask] = entry.split('/');
  if ('inconsistent' in cidr) {
    return cidr.inconsistent === 'mask'
      ? `'${entry}': the prefix length /${mask} is longer than the address`
      : `'${entry}' has bits set past its /${mask} prefix (write the network address)`;
  }
  if (cidr.network.family === 4 && !isDottedQuad(address)) {
    return `'${entry}' reads as ${formatIpv4(cidr.network)}${mask === undefined ? '' : `/${mask}`}; write the address as a full dotted quad`;
  }
  return null;
}

// The client's address, with an IPv4-mapped IPv6 address (Node's form on dual-stack sockets) as its IPv4 self.
function parseClient(ip: string): Client | null {
  const parsed = parseIp(ip);
  if (parsed === null) return null;
  const address = unmapIpv4(parsed);
  if (address !== parsed) return { address, text: formatIpv4(address) };
  return { address, text: address.family === 6 ? asciiLower(ip) : ip };
}

// match_pattern: '*' any run, '?' any one byte, everything else literal; the whole text must match. It runs as
// OpenSSH's does, over the set of pattern positions still alive, so a hostile pattern costs text x pattern at worst.
function wildcardMatch(textString: string, patternString: string): boolean {
  const text = Buffer.from(textString, 'utf8');
  const pattern = Buffer.from(patternString, 'utf8');
  const size = pattern.length;
  if (size === 0) return text.length === 0;
  const STAR = 0x2a;
  const QUESTION = 0x3f;
  let states = new Uint8Array(size + 1);
  let next = new Uint8Array(size + 1);
  // From a live '*' the position after it is live too (it may match nothing).
  const close = (set: Uint8Array) => {
    for (let i = 0; i < size; i++) if (set[i] && pattern[i] === STAR) set[i + 1] = 1;
  };
  states[0] = 1;
  close(states);
  for (const byte of text) {
    next.fill(0);
    let alive = false;
    for (let i = 0; i < size; i++) {
      if (!states[i]) continue;
      if (pattern[i] === STAR) next[i] = 1;
      else if (pattern[i] === QUESTION || pattern[i] === byte) next[i + 1] = 1;
      else continue;
      alive = true;
    }
    if (!alive) return false;
    close(next);
    [states, next] = [next, states];
  }
  return states[size] === 1;
}

// tolower() in the C locale: only A-Z change (String.toLowerCase would also fold non-ASCII letters).
function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}
