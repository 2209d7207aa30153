// The listener's memory of accepted deliveries, for flagging duplicates.
import { hash } from 'node:crypto';

// crypto.hash (Node 20.12+; engines asks for 20.18.1) is one call instead of three objects: about twice as fast for a
// webhook body.
export const sha256hex = (data: Buffer): string => hash('sha256', data, 'hex');

/** A fixed-size stand-in for a key of any length: 43 characters (sha256, base64url). */
export function keyDigest(key: string): string {
  return hash('sha256', key, 'base64url');
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

/** The ring's first capacity at most: the default limit's whole ring (see DedupTracker). */
export const FIRST_CAPACITY = 1 << 17;

/**
 * Remembers the de-duplication keys of accepted deliveries. Only 2xx answers count: a delivery the
 * receiver refused (e.g. with --fail-first) was not processed, so its retry is not a duplicate.
 * Bounded in count (`limit`) and in size: keys come from bodies (a sender can make them a megabyte long), so
 * what is kept is at most 72 characters whatever the key (a longer one's digest: 44). 100,000 keys of 72
 * characters hold about 15 MB (21 MB in text beyond Latin-1).
 *
 * Not a Map: at the limit, a Map of 100,000 string keys cost ~1 µs a delivery (a lookup, an insertion and the
 * eviction's deletion, each a walk through cold buckets and the cold keys of their chains, and a rehash of the
 * whole table every ~30,000 deletions). Here the keys sit in a ring in the order they were stored, and an
 * open-addressing index (linear probing) finds a key's slot from its hash: a new key costs one probe of the index,
 * the eviction one more, and no string of another key is read unless the rest of its hash matches too (14 bits at
 * the limit). The hash is seeded at random: keys come from senders, who then cannot aim them all at one run of the
 * index (and at worst a run is as long as the keys held, as a Map's chain would be).
 * The oldest key is the ring's first still held: forgotten keys (released) leave holes that eviction steps over
 * and that compaction removes when the ring is full. Memory at the limit: 3.5 MB beside the keys (index 1 MB, ring
 * 2.5 MB: keys 1, seqs 1, hashes 0.5; the Map's table held 1.8 MB, and left as much to collect at each rehash).
 * The default limit's ring is made whole at the start (FIRST_CAPACITY): growing it from 16 slots copied the ring
 * and rebuilt the index at each doubling, ~0.14 µs a delivery over a listener's first 100,000, and held the old
 * arrays beside the new ones (5.25 MB at the last doubling). Up front that is 1 MB of heap (the keys' slots) and
 * 2.5 MB of typed arrays that the system maps as they are first written (the index's pages within a few hundred
 * keys: RSS 2.3 MB over a grown ring's after 2,000 keys). Larger limits grow from there, doubling.
 */
export class DedupTracker {
  /** The ring, in the order keys were stored: a held key, or undefined where one was forgotten. */
  private keys: Array<string | undefined> = [];
  /** Each slot's sequence number: exact for any count, off the heap (mapped as written, not scanned by the GC). */
  private seqs = new Float64Array(0);
  /** Each slot's key hash (to find its place in the index when it is evicted or released). */
  private hashes = new Int32Array(0);
  /** The ring's capacity (a power of two), its first slot still in use, and the next free one (both unwrapped). */
  private capacity = 0;
  private head = 0;
  private tail = 0;
  private held = 0;
  /** Open addressing: 0 for empty, else (slot + 1) in the low `slotBits` bits and the hash's upper bits above. */
  private index = new Int32Array(0);
  private slotBits = 0;
  private readonly maxCapacity: number;
  /** Random per tracker (see above). */
  private readonly seed = (Math.random() * 0x1_0000_0000) | 0;

  constructor(private readonly limit = 100_000) {
    if (!(limit >= 1 && limit <= 1 << 24)) throw new RangeError(`DedupTracker: limit 1 to ${1 << 24}, got ${limit}`);
    // A quarter of the limit at least free when full: compaction then reclaims that many holes at once.
    let max = 16;
    while (max < limit + Math.ceil(limit / 4)) max *= 2;
    this.maxCapacity = max;
    this.resize(this.firstCapacity(max));
  }

  /** The ring's first capacity (a power of two, at most `maxCapacity`); tests start it small to make it grow. */
  protected firstCapacity(maxCapacity: number): number {
    return Math.min(maxCapacity, FIRST_CAPACITY);
  }

  /** The ring's slots now (for tests: what is allocated up front and at the limit). */
  get slots(): number {
    return this.capacity;
  }

  get size(): number {
    return this.held;
  }

  /** The characters held for keys (for tests: bounded by MAX_KEPT_KEY × size). */
  storedKeyChars(): number {
    let n = 0;
    for (const k of this.keys) if (k !== undefined) n += k.length;
    return n;
  }

  firstSeq(key: string | undefined): number | undefined {
    if (key === undefined) return undefined;
    const kept = stored(key);
    const at = this.find(kept, this.hash(kept));
    return at < 0 ? undefined : this.seqs[this.slotAt(at)];
  }

  /**
   * Records the key before the delivery is answered, so that concurrent copies of one delivery see each
   * other; returns the sequence number of the earlier copy when there is one.
   */
  claim(key: string | undefined, seq: number): number | undefined {
    if (key === undefined) return undefined;
    const kept = stored(key);
    const h = this.hash(kept);
    const at = this.find(kept, h);
    if (at >= 0) return this.seqs[this.slotAt(at)];
    this.store(kept, h, at, seq);
    return undefined;
  }

  /** Forgets a claim whose delivery was not accepted after all (its retry is then not a duplicate). */
  release(key: string | undefined, seq: number): void {
    if (key === undefined) return;
    const kept = stored(key);
    const at = this.find(kept, this.hash(kept));
    if (at >= 0 && this.seqs[this.slotAt(at)] === seq) this.forget(at);
  }

  remember(key: string | undefined, seq: number): void {
    if (key === undefined) return;
    const kept = stored(key);
    const h = this.hash(kept);
    const at = this.find(kept, h);
    if (at < 0) this.store(kept, h, at, seq);
  }

  /** A seeded 32-bit hash of the key, two UTF-16 units at a time, then murmur3's finaliser (tests make it collide). */
  protected hash(key: string): number {
    let h = this.seed ^ key.length;
    const n = key.length - 1;
    let i = 0;
    for (; i < n; i += 2) h = Math.imul(h ^ (key.charCodeAt(i) | (key.charCodeAt(i + 1) << 16)), 0x01000193);
    if (i === n) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return h ^ (h >>> 16);
  }

  private slotAt(at: number): number {
    return (this.index[at]! & ((1 << this.slotBits) - 1)) - 1;
  }

  /** The key's place in the index (>= 0), or -1 - the empty place where it would go. */
  private find(kept: string, h: number): number {
    const mask = this.index.length - 1;
    const slotMask = (1 << this.slotBits) - 1;
    const tag = h & ~slotMask;
    for (let at = h & mask; ; at = (at + 1) & mask) {
      const e = this.index[at]!;
      if (e === 0) return -1 - at;
      if ((e & ~slotMask) === tag && this.keys[(e & slotMask) - 1] === kept) return at;
    }
  }

  /** Stores a key that `find` did not find (`at`: the empty place it gave). */
  private store(kept: string, h: number, at: number, seq: number): void {
    let place = -1 - at;
    if (this.held >= this.limit) {
      this.evictOldest();
      // The eviction may have emptied a place earlier in this key's run: the key must go there.
      place = -1 - this.find(kept, h);
    }
    if (this.tail - this.head === this.capacity) {
      // Ring full: squeeze the holes out when they are half of it, or when it may grow no more; else grow.
      this.resize(this.held <= this.capacity / 2 || this.capacity >= this.maxCapacity ? this.capacity : this.capacity * 2);
      place = -1 - this.find(kept, h);
    }
    const slot = this.tail++ & (this.capacity - 1);
    this.keys[slot] = kept;
    this.seqs[slot] = seq;
    this.hashes[slot] = h;
    this.index[place] = (h & ~((1 << this.slotBits) - 1)) | (slot + 1);
    this.held++;
  }

  /** Forgets the oldest key still held (the ring's first, past the holes of released keys). */
  private evictOldest(): void {
    const mask = this.capacity - 1;
    while (this.keys[this.head & mask] === undefined) this.head++;
    const slot = this.head & mask;
    this.forget(this.placeOf(slot));
  }

  /** Where a held slot is in the index. */
  private placeOf(slot: number): number {
    const mask = this.index.length - 1;
    const slotMask = (1 << this.slotBits) - 1;
    let at = this.hashes[slot]! & mask;
    while ((this.index[at]! & slotMask) !== slot + 1) at = (at + 1) & mask;
    return at;
  }

  /** Removes the entry at `at` from the index and its key from the ring (linear probing's backward shift). */
  private forget(at: number): void {
    const index = this.index;
    const mask = index.length - 1;
    const slotMask = (1 << this.slotBits) - 1;
    const slot = (index[at]! & slotMask) - 1;
    this.keys[slot] = undefined;
    this.held--;
    // Later entries of the same run move back into the gap unless their home lies after it (cyclically).
    let gap = at;
    for (let next = (at + 1) & mask; ; next = (next + 1) & mask) {
      const e = index[next]!;
      if (e === 0) break;
      const home = this.hashes[(e & slotMask) - 1]! & mask;
      const stays = gap <= next ? home > gap && home <= next : home > gap || home <= next;
      if (!stays) {
        index[gap] = e;
        gap = next;
      }
    }
    index[gap] = 0;
  }

  /** A ring of `capacity` slots holding the held keys in order from slot 0, and an index rebuilt for it. */
  private resize(capacity: number): void {
    const keys: Array<string | undefined> = new Array<string | undefined>(capacity).fill(undefined);
    const seqs = new Float64Array(capacity);
    const hashes = new Int32Array(capacity);
    let n = 0;
    const old = this.capacity - 1;
    for (let c = this.head; c < this.tail; c++) {
      const key = this.keys[c & old];
      if (key === undefined) continue;
      keys[n] = key;
      seqs[n] = this.seqs[c & old]!;
      hashes[n++] = this.hashes[c & old]!;
    }
    this.keys = keys;
    this.seqs = seqs;
    this.hashes = hashes;
    this.capacity = capacity;
    this.head = 0;
    this.tail = n;
    // Twice the ring: probe runs stay short. slot + 1 needs log2(capacity) + 1 bits; the hash's upper bits tag it.
    this.index = new Int32Array(capacity * 2);
    this.slotBits = Math.log2(capacity) + 1;
    const mask = this.index.length - 1;
    const slotMask = (1 << this.slotBits) - 1;
    for (let slot = 0; slot < n; slot++) {
      const h = hashes[slot]!;
      let at = h & mask;
      while (this.index[at] !== 0) at = (at + 1) & mask;
      this.index[at] = (h & ~slotMask) | (slot + 1);
    }
  }
}
