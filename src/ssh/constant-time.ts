// Comparing secrets and key material without leaking, through timing, how much of them matched.
import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares two secrets in constant time, even when their lengths differ (the length is checked after a full compare). */
export function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  const digestA = createHash('sha256').update(a).digest();
  const digestB = createHash('sha256').update(b).digest();
  const same = timingSafeEqual(digestA, digestB);
  return same && a.length === b.length;
}
