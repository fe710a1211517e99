// Per-source penalties in the spirit of OpenSSH's PerSourcePenalties: each failed, abandoned or grace-exceeded login
// adds time to its source's penalty, up to a cap; while the penalty exceeds a threshold, new connections from that
// source are refused at once. Other sources are not affected, so legitimate users still get in during an attack.
// Pure: the clock is passed in.
import type { PenaltyConfig } from '../config/types.ts';

/** How a login ended without success: failed auth, never tried, or still unauthenticated at loginGraceTime. */
export type PenaltyKind = 'authfail' | 'noauth' | 'grace-exceeded';

/** What Penalties needs of the config's penalties (config/types.ts): the durations and the bound on sources. */
export type PenaltyPolicy = Omit<PenaltyConfig, 'exempt'>;

/** The address block a penalty applies to: the IPv4 address, or the IPv6 /64 (one host usually owns a /64). */
export function sourceOf(ip: string): string {
  const v4 = /^(?:::ffff:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (v4) return v4[1]!;
  const groups = expandIPv6(ip);
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : ip;
}

/** Whether `source` (as sourceOf gives it) is in `exempt`, whose entries may be written as addresses or blocks. */
export function isExempt(exempt: readonly string[], source: string): boolean {
  return exempt.some((entry) => sourceOf(entry) === source);
}

function expandIPv6(ip: string): string[] | null {
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  if (tail === undefined && left.length !== 8) return null;
  const middle = Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...middle, ...right].map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''));
}

export class Penalties {
  // Source -> the time (ms) its penalty ends. A Map keeps insertion order, so the oldest entry is first.
  #until = new Map<string, number>();

  constructor(
    private readonly policy: PenaltyPolicy,
    private readonly exempt: (source: string) => boolean = () => false,
  ) {}

  /** Adds a penalty for `source`, returning the seconds it now has left. */
  add(source: string, kind: PenaltyKind, now: number): number {
    if (this.exempt(source)) return 0;
    const seconds = this.secondsFor(kind);
    const base = Math.max(now, this.#until.get(source) ?? now);
    const until = Math.min(base + seconds * 1000, now + this.policy.maxSec * 1000);
    this.#until.delete(source);
    this.#until.set(source, until);
    if (this.#until.size > this.policy.maxSources) this.#until.delete(this.#until.keys().next().value!);
    return (until - now) / 1000;
  }

  /** The seconds one ended connection of this kind adds. */
  secondsFor(kind: PenaltyKind): number {
    const { authFailSec, noAuthSec, graceExceededSec } = this.policy;
    return kind === 'authfail' ? authFailSec : kind === 'noauth' ? noAuthSec : graceExceededSec;
  }

  /** Whether connections from `source` are refused now. */
  refused(source: string, now: number): boolean {
    const until = this.#until.get(source);
    if (until === undefined) return false;
    if (until <= now) {
      this.#until.delete(source);
      return false;
    }
    return (until - now) / 1000 > this.policy.thresholdSec;
  }

  /** Seconds of penalty left for `source`. */
  remaining(source: string, now: number): number {
    return Math.max(0, ((this.#until.get(source) ?? now) - now) / 1000);
  }
}
