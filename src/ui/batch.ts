// The store's memory (store.ts): entries packed into large reused byte buffers, so that the garbage collector
// sees a few objects per thousand deliveries rather than each report's thirty.

/** A batch takes entries until it holds this many bytes (one large body may make it bigger). */
export const BATCH_BYTES = 1024 * 1024;

/**
 * How far ahead of what it writes a buffer clears its next bytes (warm()): 64 KB, some thirty deliveries' reports and
 * bodies, so that a line is cleared thirty deliveries before it is written, and is still in the core's L2 cache
 * (1 MB here) when it is. In-process, alternating rounds (wave 13): the inspector's CPU a delivery ×0.90 with 64 KB
 * against 16 KB (×0.89 with 128 KB), ×1.21 with no warming at all.
 */
export const WARM_AHEAD = 64 * 1024;

/** A growable byte buffer that writes strings as UTF-8 and bytes as they are. */
export class Bytes {
  buf: Buffer;
  used = 0;
  /** Bytes from `used` up to here were cleared (warm()) since this buffer was taken, and are still unwritten. */
  private warmed = 0;
  constructor(
    capacity: number,
    reuse?: Buffer,
    /** How far ahead to warm (0: never). */
    private readonly ahead = WARM_AHEAD,
  ) {
    this.buf = reuse && reuse.length >= capacity ? reuse : Buffer.allocUnsafeSlow(capacity);
  }
  private room(n: number): void {
    if (this.used + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.used + n) size *= 2;
    const next = Buffer.allocUnsafeSlow(size);
    this.buf.copy(next, 0, 0, this.used);
    this.buf = next;
    this.warmed = 0;
  }
  /**
   * Clears the next bytes with one memset before they are written. A recycled buffer was last written a whole ring
   * of deliveries ago (~15 MB, a second or more under load): none of it is in the CPU's caches, and V8's UTF-8
   * encoder meets each line one byte-store at a time. A memset brings the lines in ahead of those stores. Measured in
   * CPU profiles of a --ui listener under load (three pairs, ~67,000 deliveries each): the store's add 459-555 ms
   * against 513-596 before; the cold bytes still cost most of it (docs/performance.md). Only the unwritten part is
   * cleared; a write larger than the window streams by itself. The cleared edge follows `used + ahead`, so once the
   * first window is cleared, each write that passes the edge clears about its own length, `ahead` further on. Clearing
   * a whole window at a time instead (one call per ~30 deliveries) measured the same (wave 16: the store's CPU a
   * delivery 800-859 ns against 781-847, bench/inproc-ui/store.sh, five runs each).
   */
  private warm(n: number): void {
    if (this.used + n <= this.warmed || n > this.ahead) return;
    const to = Math.min(this.buf.length, this.used + this.ahead);
    this.buf.fill(0, Math.max(this.warmed, this.used), to);
    this.warmed = to;
  }
  text(s: string): void {
    // Three bytes per UTF-16 unit at most: only near the end is the exact length worth computing.
    this.room(this.used + s.length * 3 <= this.buf.length ? 0 : Buffer.byteLength(s, 'utf8'));
    this.warm(s.length);
    this.used += this.buf.write(s, this.used, 'utf8');
  }
  /** Room for n more bytes at `used`, warmed: the caller writes buf[used …] itself, then advances `used`. */
  reserve(n: number): void {
    this.room(n);
    this.warm(n);
  }
  /** One byte (a separator): no call into the encoder for it. */
  byte(b: number): void {
    this.room(1);
    this.warm(1);
    this.buf[this.used++] = b;
  }
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.warm(b.length);
    this.buf.set(b, this.used);
    this.used += b.length;
  }
}

/** Consecutive entries (ids firstId …): reports and bodies in `data`, the rows' JSON joined with "," in `rows`. */
export class Batch {
  count = 0;
  // Allocated whole (grown only for a delivery larger than a batch), and recycled from an evicted batch: fresh
  // memory costs a page fault per 4 KB on first write, which showed in the listener's CPU time.
  readonly data: Bytes;
  readonly rows: Bytes;
  /** Per entry: end of its report in data, end of its body in data, end of its row in rows. */
  ends = new Uint32Array(3 * 64);
  readonly providers: Array<string | null> = [];
  readonly events: Array<string | null> = [];
  constructor(
    readonly firstId: number,
    spare?: { data: Buffer; rows: Buffer },
  ) {
    this.data = new Bytes(BATCH_BYTES + 64 * 1024, spare?.data);
    // The whole window for the rows too (some 180 rows ahead): a row is written byte by byte (row-bytes.ts), and
    // with a quarter of the window the inspector's CPU a delivery was ×1.27 (in-process, alternating rounds, wave 13).
    this.rows = new Bytes(BATCH_BYTES / 4, spare?.rows, WARM_AHEAD);
  }

  /**
   * Ends entry k (count): its row was written into `rows` first (after a comma when k > 0); here its report and
   * body. `report` is the report's JSON text, or its UTF-8 bytes without the closing brace (written here).
   */
  add(report: string | Uint8Array, body: Uint8Array, provider: string | null, event: string | null): void {
    const k = this.count++;
    if (3 * this.count > this.ends.length) {
      const grown = new Uint32Array(this.ends.length * 2);
      grown.set(this.ends);
      this.ends = grown;
    }
    if (typeof report === 'string') this.data.text(report);
    else {
      this.data.bytes(report);
      this.data.byte(0x7d); // '}'
    }
    this.ends[3 * k] = this.data.used;
    this.data.bytes(body);
    this.ends[3 * k + 1] = this.data.used;
    this.ends[3 * k + 2] = this.rows.used;
    this.providers.push(provider);
    this.events.push(event);
  }

  get bytes(): number {
    return this.data.used + this.rows.used;
  }

  /** [start, end) of entry k's report, body and row. */
  report(k: number): string {
    return this.data.buf.toString('utf8', k > 0 ? this.ends[3 * k - 2]! : 0, this.ends[3 * k]!);
  }
  body(k: number): Buffer {
    return this.data.buf.subarray(this.ends[3 * k]!, this.ends[3 * k + 1]!);
  }
  rowStart(k: number): number {
    return k > 0 ? this.ends[3 * k - 1]! + 1 : 0;
  }
  row(k: number): string {
    return this.rows.buf.toString('utf8', this.rowStart(k), this.ends[3 * k + 2]!);
  }
  /** The rows of entries k … k + n - 1, comma-separated. */
  rowRun(k: number, n: number): string {
    return this.rows.buf.toString('utf8', this.rowStart(k), this.ends[3 * (k + n - 1) + 2]!);
  }
  /** rowRun as the bytes kept (a view: valid until the batch is recycled, so copied before anything waits on it). */
  rowRunBytes(k: number, n: number): Buffer {
    return this.rows.buf.subarray(this.rowStart(k), this.ends[3 * (k + n - 1) + 2]!);
  }
  /** Bytes held for entry k (for the byte bound as entries are evicted). */
  entryBytes(k: number): number {
    const dataStart = k > 0 ? this.ends[3 * k - 2]! : 0;
    return this.ends[3 * k + 1]! - dataStart + this.ends[3 * k + 2]! - (k > 0 ? this.ends[3 * k - 1]! : 0);
  }
}
