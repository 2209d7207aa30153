// The listener's memory of accepted deliveries, for flagging duplicates.
import * as crypto from 'node:crypto';

// crypto.hash (Node 20.12+) is one call instead of three objects: about twice as fast for a webhook body.
export const sha256hex: (data: Buffer) => string =
  typeof (crypto as { hash?: unknown }).hash === 'function'
    ? (data) => (crypto as unknown as { hash(a: string, d: Buffer, e: string): string }).hash('sha256', data, 'hex')
    : (data) => crypto.createHash('sha256').update(data).digest('hex');

/** A fixed-size stand-in for a key of any length: 43 characters (sha256, base64url). */
export function keyDigest(key: string): string {
  return typeof (crypto as { hash?: unknown }).hash === 'function'
    ? (crypto as unknown as { hash(a: string, d: string, e: string): string }).hash('sha256', key, 'base64url')
    : crypto.createHash('sha256').update(key).digest('base64url');
}

/** Keys up to this long are kept as they are: an id with its provider's prefix, or `sha256:<hex>` (71). */
export const MAX_KEPT_KEY = 72;

/**
 * What is kept for a key: the key itself when it is short (nearly every key: hashing it again cost more than the
 * rest of the bookkeeping), else `#` and its digest. A kept key never starts with `#` (one that does is digested),
 * so the two forms cannot meet.
 */
function stored(key: string): string {
  return key.length <= MAX_KEPT_KEY && key.charCodeAt(0) !== 0x23 ? key : `#${keyDigest(key)}`;
}

/**
 * Remembers the de-duplication keys of accepted deliveries. Only 2xx answers count: a delivery the
 * receiver refused (e.g. with --fail-first) was not processed, so its retry is not a duplicate.
 * Bounded in count (`limit`) and in size: keys come from bodies (a sender can make them a megabyte long), so
 * what is kept is at most 72 characters whatever the key (a longer one's digest: 44). 100,000 keys of 72
 * characters hold about 15 MB (21 MB in text beyond Latin-1).
 * The oldest key is the map's first (insertion order), found with one iterator kept from eviction to eviction: a
 * Map emptied from the front keeps its deleted slots until it is next rehashed, and a fresh `keys().next()` stepped
 * over all of them at every eviction (tens of thousands at the limit: 25-80 µs a delivery once 100,000 had been
 * seen). A kept iterator steps over each slot once. Every key before its place was forgotten (evicted, or released
 * and, if claimed again, stored anew at the end), so the next key it gives is the map's first; it costs no memory.
 */
export class DedupTracker {
  private readonly seen = new Map<string, number>();
  /** Where the last eviction stopped in the map's order; undefined before the first (or once it ran out). */
  private oldest: Iterator<string> | undefined;
  constructor(private readonly limit = 100_000) {}

  get size(): number {
    return this.seen.size;
  }

  /** The characters held for keys (for tests: bounded by MAX_KEPT_KEY × size). */
  storedKeyChars(): number {
    let n = 0;
    for (const k of this.seen.keys()) n += k.length;
    return n;
  }

  firstSeq(key: string | undefined): number | undefined {
    return key === undefined ? undefined : this.seen.get(stored(key));
  }

  /**
   * Records the key before the delivery is answered, so that concurrent copies of one delivery see each
   * other; returns the sequence number of the earlier copy when there is one.
   */
  claim(key: string | undefined, seq: number): number | undefined {
    if (key === undefined) return undefined;
    const kept = stored(key);
    const first = this.seen.get(kept);
    if (first !== undefined) return first;
    this.store(kept, seq);
    return undefined;
  }

  /** Forgets a claim whose delivery was not accepted after all (its retry is then not a duplicate). */
  release(key: string | undefined, seq: number): void {
    if (key === undefined) return;
    const kept = stored(key);
    if (this.seen.get(kept) === seq) this.seen.delete(kept);
  }

  remember(key: string | undefined, seq: number): void {
    if (key === undefined) return;
    const kept = stored(key);
    if (!this.seen.has(kept)) this.store(kept, seq);
  }

  private store(kept: string, seq: number): void {
    if (this.seen.size >= this.limit) this.evictOldest();
    this.seen.set(kept, seq);
  }

  /** Deletes the oldest key still held (the map's first). */
  private evictOldest(): void {
    let next = this.oldest?.next();
    // A Map iterator that has run out stays out, even for keys added later: start again from the map's first.
    if (next === undefined || next.done === true) {
      this.oldest = this.seen.keys();
      next = this.oldest.next();
    }
    if (next.done !== true) this.seen.delete(next.value);
  }
}
