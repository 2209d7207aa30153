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
 * The oldest key is found in a queue of (key, seq) pairs kept beside the map, not as the map's first key: a Map
 * emptied from the front keeps its deleted slots until it is next rehashed, and every `keys().next()` stepped over
 * all of them (tens of thousands at the limit: 25-80 µs a delivery once 100,000 had been seen). A pair is live
 * while the map still holds its key with its seq; `seq` names one delivery (the listener's sequence number).
 * The queue costs 16 bytes a slot (2 MB at the limit), and holds no key the map has forgotten.
 */
export class DedupTracker {
  private readonly seen = new Map<string, number>();
  /**
   * The queue: a ring of (key, seq) slots, oldest at `head`. Its capacity doubles when full and otherwise stays:
   * at the limit one slot is taken and one freed per delivery. A taken slot is cleared, so that a forgotten key
   * is not kept alive by the queue.
   */
  private ringKeys: Array<string | undefined> = new Array<string | undefined>(64);
  private ringSeqs: number[] = new Array<number>(64).fill(0);
  private head = 0;
  private count = 0;
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

  /** Queue slots held, live or not (for tests: bounded by 2 × limit + 1). */
  queued(): number {
    return this.count;
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
    if (this.seen.get(kept) === seq) this.seen.delete(kept); // its queue slot is now stale: skipped when reached
  }

  remember(key: string | undefined, seq: number): void {
    if (key === undefined) return;
    const kept = stored(key);
    if (!this.seen.has(kept)) this.store(kept, seq);
  }

  private store(kept: string, seq: number): void {
    if (this.seen.size >= this.limit) this.evictOldest();
    this.seen.set(kept, seq);
    // Slots stale from release() (refused deliveries) must not pile up while the map stays small.
    if (this.count >= 2 * this.limit) this.compact();
    if (this.count === this.ringKeys.length) this.resize(2 * this.ringKeys.length);
    const at = (this.head + this.count) % this.ringKeys.length;
    this.ringKeys[at] = kept;
    this.ringSeqs[at] = seq;
    this.count++;
  }

  /** Deletes the oldest key still held (the map's own order: insertion). */
  private evictOldest(): void {
    while (this.count > 0) {
      const key = this.ringKeys[this.head]!;
      const seq = this.ringSeqs[this.head]!;
      this.ringKeys[this.head] = undefined;
      this.head = (this.head + 1) % this.ringKeys.length;
      this.count--;
      if (this.seen.get(key) === seq) {
        this.seen.delete(key);
        return;
      }
    }
  }

  /** Drops the stale slots (at most once per `limit` stores: each time, at least `limit` of them go). */
  private compact(): void {
    let live = 0;
    const n = this.ringKeys.length;
    for (let i = 0; i < this.count; i++) {
      const from = (this.head + i) % n;
      const key = this.ringKeys[from]!;
      const seq = this.ringSeqs[from]!;
      this.ringKeys[from] = undefined;
      if (this.seen.get(key) !== seq) continue;
      const to = (this.head + live) % n;
      this.ringKeys[to] = key;
      this.ringSeqs[to] = seq;
      live++;
    }
    this.count = live;
  }

  /** The same slots, oldest first, in a ring of `capacity`. */
  private resize(capacity: number): void {
    const keys = new Array<string | undefined>(capacity);
    const seqs = new Array<number>(capacity).fill(0);
    for (let i = 0; i < this.count; i++) {
      const from = (this.head + i) % this.ringKeys.length;
      keys[i] = this.ringKeys[from];
      seqs[i] = this.ringSeqs[from]!;
    }
    this.ringKeys = keys;
    this.ringSeqs = seqs;
    this.head = 0;
  }
}
