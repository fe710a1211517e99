// One-time codes (RFC 6238 TOTP: HMAC-SHA1, 30 s steps, 6 digits, as every authenticator app and `oathtool --totp`
// make them), checked with one step of clock drift either way, and the guard that accepts each step once per user.
// HMAC comes from node:crypto directly: the algorithm is a dozen lines and the RFC's test vectors pin it, so a
// dependency (otpauth) would add code to trust without removing any risk.
import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../ssh/constant-time.ts';

export const TOTP_STEP_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Steps of clock drift accepted either side of the server's (RFC 6238 section 5.2 recommends at most one). */
export const TOTP_WINDOW = 1;

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding (what authenticator apps and `oathtool -b` read). */
export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** Decodes base32 (case, spaces and `=` padding ignored, as apps print it in groups); null if it is not base32. */
export function base32Decode(text: string): Buffer | null {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  if (clean === '') return null;
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of clean) {
    const index = BASE32.indexOf(char);
    if (index < 0) return null;
    value = ((value << 5) | index) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 4226 HOTP: the `digits`-digit code of `secret` for `counter`. */
export function hotp(secret: Uint8Array, counter: number, digits = TOTP_DIGITS): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', secret).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f; // dynamic truncation
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The time step (RFC 6238 T) of a moment given in milliseconds since the epoch. */
export function timeStep(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_STEP_SECONDS);
}

/** The TOTP code of `secret` at `nowMs`. */
export function totpAt(secret: Uint8Array, nowMs: number, digits = TOTP_DIGITS): string {
  return hotp(secret, timeStep(nowMs), digits);
}

export type CodeCheck =
  | { readonly ok: true; readonly step: number }
  | { readonly ok: false; readonly reason: 'wrong code' | 'code already used' };

/**
 * Checks `code` against the steps around `nowMs`; a step at or before `lastStep` (the last one accepted for this
 * user) is refused as already used. Every step of the window is computed and compared, in constant time, whatever
 * matched, so the answer's timing does not say which step (or how much of a code) was right.
 */
export function checkCode(secret: Uint8Array, code: string, nowMs: number, lastStep?: number): CodeCheck {
  const given = Buffer.from(code.trim());
  const now = timeStep(nowMs);
  let fresh: number | null = null;
  let used = false;
  for (let step = now - TOTP_WINDOW; step <= now + TOTP_WINDOW; step++) {
    if (!constantTimeEqual(Buffer.from(hotp(secret, step)), given)) continue;
    if (lastStep !== undefined && step <= lastStep) used = true;
    else fresh = step; // the latest matching step: the guard then refuses everything up to it
  }
  if (fresh !== null) return { ok: true, step: fresh };
  return { ok: false, reason: used ? 'code already used' : 'wrong code' };
}

/**
 * The last accepted step per user, so that a code seen once (over a shoulder, in a log, by a phishing proxy) never
 * opens a second login. Memory is bounded: an entry whose step has left the window can never refuse anything, so it is
 * dropped, and what remains is at most one entry per user who logged in with a code in the last ~90 seconds.
 */
export class UsedCodes {
  readonly #last = new Map<string, number>();

  /** The last step accepted for `user` that still matters at `nowMs`. */
  lastStep(user: string, nowMs: number): number | undefined {
    this.#forget(nowMs);
    return this.#last.get(user);
  }

  /**
   * Claims `step` for `user`: true if it is newer than any step accepted before (it is then recorded), false if it was
   * used already. Check and record happen in one synchronous call, so two connections racing with the same code
   * cannot both win.
   */
  claim(user: string, step: number, nowMs: number): boolean {
    const last = this.lastStep(user, nowMs);
    if (last !== undefined && step <= last) return false;
    this.#last.delete(user); // re-insert at the end: the map stays ordered by the time of acceptance
    this.#last.set(user, step);
    return true;
  }

  /** How many users are remembered now (for tests of the bound). */
  get size(): number {
    return this.#last.size;
  }

  // Drops entries whose step is below the window: no code of that step (or an earlier one) can pass checkCode now.
  #forget(nowMs: number): void {
    const oldest = timeStep(nowMs) - TOTP_WINDOW;
    for (const [user, step] of this.#last) {
      if (step < oldest) this.#last.delete(user);
    }
  }
}

/** The `otpauth://` URI that authenticator apps read from a QR code (Key Uri Format: issuer, label, secret). */
export function otpauthUri(opts: { issuer: string; account: string; secret: Uint8Array }): string {
  const label = `${encodeURIComponent(opts.issuer)}:${encodeURIComponent(opts.account)}`;
  const query = new URLSearchParams({
    secret: base32Encode(opts.secret),
    issuer: opts.issuer,
    algorithm: 'SHA1',
    digits: String(TOTP_DIGITS),
    period: String(TOTP_STEP_SECONDS),
  });
  return `otpauth://totp/${label}?${query.toString()}`;
}
