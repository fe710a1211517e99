// What a revocation file revokes, in the shape krl.c keeps it: key blobs, SHA1 and SHA256 hashes of key blobs, and
// per CA (or for any CA) certificate serials and key ids. Both readers (KRL and text list) fill it through a builder.

/** Certificates revoked under one CA section. */
export interface CertRevocations {
  /** Sorted, disjoint, non-adjacent inclusive ranges of revoked serials (never serial 0). */
  readonly serials: readonly (readonly [bigint, bigint])[];
  /** Revoked key ids (text up to the first NUL, as OpenSSH's strcmp sees them). */
  readonly keyIds: ReadonlySet<string>;
}

/** A parsed revocation file (see revocation.ts for how it is read and checked). */
export interface RevokedKeys {
  /** The file it came from, for messages; '' for NOTHING_REVOKED. */
  readonly source: string;
  /** Hex of revoked key blobs, compared byte for byte with a key's canonical plain blob. */
  readonly keys: ReadonlySet<string>;
  /** Hex of SHA1 / SHA256 hashes of revoked canonical plain key blobs. */
  readonly sha1: ReadonlySet<string>;
  readonly sha256: ReadonlySet<string>;
  /** By hex of the CA's canonical plain blob; the key '' holds the sections that apply to any CA. */
  readonly certificates: ReadonlyMap<string, CertRevocations>;
}

/** The CA key under which a section applies to every CA (an empty ca_key in PROTOCOL.krl). */
export const ANY_CA = '';

/** Collects revocations while a file is read; `finish` sorts and merges the serial ranges. */
export class RevocationBuilder {
  readonly keys = new Set<string>();
  readonly sha1 = new Set<string>();
  readonly sha256 = new Set<string>();
  private readonly certs = new Map<string, { ranges: [bigint, bigint][]; keyIds: Set<string> }>();

  /** Revokes certificates with serials lo..hi (inclusive, 0 < lo <= hi) of the CA with this hex blob, or ANY_CA. */
  addSerials(ca: string, lo: bigint, hi: bigint): void {
    this.forCa(ca).ranges.push([lo, hi]);
  }

  addKeyId(ca: string, keyId: string): void {
    this.forCa(ca).keyIds.add(keyId);
  }

  /** Makes the CA's section exist (a KRL section may revoke nothing yet still name a CA). */
  forCa(ca: string): { ranges: [bigint, bigint][]; keyIds: Set<string> } {
    let entry = this.certs.get(ca);
    if (entry === undefined) this.certs.set(ca, (entry = { ranges: [], keyIds: new Set() }));
    return entry;
  }

  finish(source: string): RevokedKeys {
    const certificates = new Map<string, CertRevocations>();
    for (const [ca, { ranges, keyIds }] of this.certs) certificates.set(ca, { serials: mergeRanges(ranges), keyIds });
    return { source, keys: this.keys, sha1: this.sha1, sha256: this.sha256, certificates };
  }
}

/** Whether `serial` lies in one of the sorted disjoint ranges (binary search). */
export function inRanges(ranges: readonly (readonly [bigint, bigint])[], serial: bigint): boolean {
  let low = 0;
  let high = ranges.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const [lo, hi] = ranges[middle]!;
    if (serial < lo) high = middle - 1;
    else if (serial > hi) low = middle + 1;
    else return true;
  }
  return false;
}

// Sort by start and join overlapping or touching ranges, as krl.c's insert_serial_range keeps its tree.
function mergeRanges(ranges: [bigint, bigint][]): [bigint, bigint][] {
  const sorted = [...ranges].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const merged: [bigint, bigint][] = [];
  for (const [lo, hi] of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && lo <= last[1] + 1n) last[1] = hi > last[1] ? hi : last[1];
    else merged.push([lo, hi]);
  }
  return merged;
}
