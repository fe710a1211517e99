// IP address text read the way OpenSSH reads it on glibc (addr.c: getaddrinfo with AI_NUMERICHOST), so that a from=
// list means here what it means to sshd: IPv4 in inet_aton's forms (127.1, 010.0.0.1 and 0x7f.0.0.1 included), IPv6
// as inet_pton reads it, and CIDR networks as addr_pton_cidr checks them. Pure: no DNS, no sockets.

export interface IpAddress {
  readonly family: 4 | 6;
  readonly bytes: Uint8Array;
}

/** A CIDR entry: a network, or why sshd calls it inconsistent (a mask too long, or host bits set past it). */
export type Cidr = { network: IpAddress; bits: number } | { inconsistent: 'mask' | 'host-bits' };

// The largest value inet_aton lets the last part have, by the number of parts before it (`a`, `a.b`, `a.b.c`, ...).
const LAST_PART_MAX = [0xffffffff, 0xffffff, 0xffff, 0xff];
// addr_pton_cidr copies the entry into a 64-byte buffer and gives up on longer ones.
const CIDR_BUFFER = 64;

/** An address as getaddrinfo(AI_NUMERICHOST) reads it, or null. Zone ids (`fe80::1%eth0`) are not read. */
export function parseIp(text: string): IpAddress | null {
  return parseIpv4(text) ?? parseIpv6(text);
}

/** `::ffff:a.b.c.d` as the IPv4 address it carries (sshd does the same to its peer: ipv64_normalise_mapped). */
export function unmapIpv4(address: IpAddress): IpAddress {
  const b = address.bytes;
  const mapped =
    address.family === 6 && b.subarray(0, 10).every((byte) => byte === 0) && b[10] === 0xff && b[11] === 0xff;
  return mapped ? { family: 4, bytes: b.slice(12) } : address;
}

export function formatIpv4(address: IpAddress): string {
  return Array.from(address.bytes).join('.');
}

/** Whether the text is a plain dotted quad, the only IPv4 form that reads the same to everyone. */
export function isDottedQuad(text: string): boolean {
  return parseIpv4Strict(text) !== null;
}

/** addr_pton_cidr: null when the entry is no CIDR at all (sshd then tries it as a wildcard pattern). */
export function parseCidr(entry: string): Cidr | null {
  if (entry.length >= CIDR_BUFFER) return null;
  const slash = entry.indexOf('/');
  const addressText = slash < 0 ? entry : entry.slice(0, slash);
  let bits: number | undefined;
  if (slash >= 0) {
    // Digits only, as sshd 9.2 (its strtoul wanted a digit first); a prefix longer than the address is inconsistent
    // (-2) as in OpenSSH since 2024 (strtonum), where 9.2 read /129../999 as a wildcard that never matches.
    const mask = entry.slice(slash + 1);
    if (!/^[0-9]{1,10}$/.test(mask) || Number(mask) > 0x7fffffff) return null;
    bits = Number(mask);
  }
  const network = parseIp(addressText);
  if (network === null) return null;
  const width = network.family === 4 ? 32 : 128;
  bits ??= width;
  if (bits > width) return { inconsistent: 'mask' };
  if (!hostBitsZero(network, bits)) return { inconsistent: 'host-bits' };
  return { network, bits };
}

/** addr_netmatch: the address is inside the network (never across families). */
export function inNetwork(address: IpAddress, network: IpAddress, bits: number): boolean {
  if (address.family !== network.family) return false;
  for (let i = 0; i < address.bytes.length; i++) {
    const maskBits = Math.max(0, Math.min(8, bits - i * 8));
    const mask = (0xff << (8 - maskBits)) & 0xff;
    if ((address.bytes[i]! & mask) !== (network.bytes[i]! & mask)) return false;
  }
  return true;
}

function hostBitsZero(address: IpAddress, bits: number): boolean {
  for (let i = 0; i < address.bytes.length; i++) {
    const maskBits = Math.max(0, Math.min(8, bits - i * 8));
    if ((address.bytes[i]! & (0xff >> maskBits)) !== 0) return false;
  }
  return true;
}

// glibc's __inet_aton_exact: 1 to 4 parts, each decimal, 0-octal or 0x-hex; the last part fills the remaining bytes.
function parseIpv4(text: string): IpAddress | null {
  const parts = text.split('.');
  if (parts.length > 4) return null;
  const values: number[] = [];
  for (const part of parts) {
    const value = cNumber(part);
    if (value === null) return null;
    values.push(value);
  }
  const last = values.pop()!;
  if (values.some((value) => value > 0xff) || last > LAST_PART_MAX[values.length]!) return null;
  const bytes = new Uint8Array(4);
  values.forEach((value, i) => (bytes[i] = value));
  for (let i = 3; i >= values.length; i--) bytes[i] = Math.floor(last / 2 ** (8 * (3 - i))) & 0xff;
  return { family: 4, bytes };
}

// strtoul(part, &end, 0) that must use the whole part and start with a digit (inet_aton checks isdigit first).
function cNumber(part: string): number | null {
  let value: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(part)) value = parseInt(part.slice(2), 16);
  else if (/^0[0-7]*$/.test(part)) value = part.length === 1 ? 0 : parseInt(part.slice(1), 8);
  else if (/^[1-9][0-9]*$/.test(part)) value = Number(part);
  else return null;
  return value <= 0xffffffff ? value : null;
}

// inet_pton4: exactly four decimal octets, no leading zeros.
function parseIpv4Strict(text: string): Uint8Array | null {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((part) => /^(0|[1-9][0-9]{0,2})$/.test(part) && Number(part) <= 255)) {
    return null;
  }
  return Uint8Array.from(parts.map(Number));
}

// inet_pton6 as glibc has it: up to eight groups of 1-4 hex digits, one `::`, an optional dotted quad at the very end.
function parseIpv6(text: string): IpAddress | null {
  if (text === '' || (text.startsWith(':') && !text.startsWith('::'))) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const split = (half: string) => (half === '' ? [] : half.split(':'));
  const head = split(halves[0]!);
  const tail = halves.length === 2 ? split(halves[1]!) : [];
  const all = [...head, ...tail];
  // The dotted quad must end the text: `1.2.3.4::` is not an address.
  const quadAllowed = halves.length === 1 || tail.length > 0;
  const groups = groupsToBytes(all, quadAllowed);
  if (groups === null) return null;
  if (halves.length === 1 ? groups.length !== 16 : groups.length >= 16) return null;
  const headBytes = halves.length === 1 ? 16 : head.length * 2;
  const bytes = new Uint8Array(16);
  bytes.set(groups.subarray(0, headBytes), 0);
  bytes.set(groups.subarray(headBytes), 16 - (groups.length - headBytes));
  return { family: 6, bytes };
}

// Hex groups to bytes; only the last group may be a dotted quad (4 bytes), and only where allowed.
function groupsToBytes(groups: string[], quadAllowed: boolean): Uint8Array | null {
  const bytes: number[] = [];
  for (const [i, group] of groups.entries()) {
    if (/^[0-9a-fA-F]{1,4}$/.test(group)) {
      const value = parseInt(group, 16);
      bytes.push(value >> 8, value & 0xff);
    } else {
      const quad = quadAllowed && i === groups.length - 1 ? parseIpv4Strict(group) : null;
      if (quad === null) return null;
      bytes.push(...quad);
    }
  }
  return bytes.length <= 16 ? Uint8Array.from(bytes) : null;
}
