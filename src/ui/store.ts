// The inspector's memory: the last N deliveries (and resends), bounded by count and by bytes, oldest evicted.
//
// Adding is on the listener's hot path, and what is kept is what the garbage collector pays for: a report is
// some thirty small objects, and keeping 10,000 of them alive cost the listener a fifth more CPU per delivery
// (every young collection copied and promoted them). So each report is serialized as it arrives and written,
// with its row and its body, into a batch buffer: the collector sees a few objects per thousand deliveries.
import type { DeliveryReport } from '../http/listen.js';
import { takeReportHeadBytes } from '../output/delivery.js';
import { Batch, BATCH_BYTES, type Bytes } from './batch.js';
import { expandRow, type CompactRow, type MiddleTable, type Row } from './row.js';

/** What the inspector reads of a report: every field optional, so that new or renamed fields never break it. */
export type ReportLike = Partial<DeliveryReport> & Record<string, unknown>;

/** A request the inspector sent somewhere other than the listener (the listener's own copy is a delivery). */
export interface SentInfo {
  url: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  status?: number;
  latencyMs?: number;
  error?: string;
  /** The start of the answer, as text. */
  response?: string;
}

/** What the inspector adds to an entry later (rare: resends, diagnoses), kept beside the batches. */
export interface Extras {
  kind?: 'sent';
  origin?: number;
  resends?: number[];
  resend?: { status?: number; latencyMs?: number; error?: string; mode: string };
  sent?: SentInfo;
  explanation?: unknown;
}

/** What an entry costs besides its report, row and body (offsets, its share of the arrays). */
const ENTRY_OVERHEAD = 32;

export interface StoreOptions {
  /** How many entries to keep. */
  keep: number;
  /** Upper bound on the bytes kept (bodies and reports). */
  maxBytes: number;
}

/** A view of one kept entry. Cheap to make; its report is parsed from the JSON on each `report` read. */
export class Entry {
  constructor(
    private readonly store: DeliveryStore,
    readonly id: number,
    private readonly reportJson: string,
    readonly rowJson: string,
    /** The bytes as received (or as sent). */
    readonly body: Buffer,
    readonly provider: string | null,
    readonly event: string | null,
  ) {}

  /** The entry's list row, expanded from the compact form the store may keep it in (row.ts). */
  get row(): Row {
    return expandRow(JSON.parse(this.rowJson) as Row | CompactRow, this.store.middles.values);
  }

  /** The listener's report (without the parsed body when the raw bytes give it back). */
  get report(): ReportLike {
    return JSON.parse(this.reportJson) as ReportLike;
  }

  private get extras(): Extras | undefined {
    return this.store.extrasOf(this.id, false);
  }

  get kind(): 'delivery' | 'sent' {
    return this.extras?.kind ?? 'delivery';
  }
  get origin(): number | undefined {
    return this.extras?.origin;
  }
  get resends(): number[] | undefined {
    return this.extras?.resends;
  }
  get sent(): SentInfo | undefined {
    return this.extras?.sent;
  }
  get resend(): Extras['resend'] {
    return this.extras?.resend;
  }
  set resend(v: Extras['resend']) {
    this.store.extrasOf(this.id, true)!.resend = v;
  }
  get explanation(): unknown {
    return this.extras?.explanation;
  }
  set explanation(v: unknown) {
    this.store.extrasOf(this.id, true)!.explanation = v;
  }
}

/**
 * The JSON text of a report, its parsed body left out when the raw bytes give it back; or, when `listen --json`
 * made it a moment ago, that text's bytes without the closing brace (see Batch.add).
 */
function reportJson(report: ReportLike, keepBody: boolean): string | Uint8Array {
  if (keepBody) return JSON.stringify(report);
  // The text `listen --json` made of this report a moment ago, when it did: one serialization for both.
  const made = takeReportHeadBytes(report as DeliveryReport);
  if (made !== undefined) return made;
  // Set aside and put back synchronously rather than copying the report (deliveryJsonLine does the same).
  const body = report.body;
  report.body = undefined;
  try {
    return JSON.stringify(report);
  } finally {
    report.body = body;
  }
}

const NO_MIDDLES: MiddleTable = { values: [], json: [] };

export class DeliveryStore {
  /** Batches in id order; the last one takes new entries. */
  private batches: Batch[] = [];
  /** The buffers of the last batch evicted, for the next one. */
  private spare: { data: Buffer; rows: Buffer } | undefined;
  private nextId = 1;
  private first = 1;
  private total = 0;
  private readonly extras = new Map<number, Extras>();
  /** Provider and event names, one string each however many deliveries carry them. */
  private readonly names = new Map<string, string>();
  private recentName: string | undefined;
  private otherName: string | undefined;
  /** Entries evicted so far (the page says how many are gone). */
  evicted = 0;

  constructor(
    readonly options: StoreOptions,
    /**
     * Makes the list row of an entry from its report and extras: its JSON text or a value (views.ts rowJson, makeRow),
     * or undefined once it wrote the row's UTF-8 into `out` itself (row-bytes.ts CompactRows).
     */
    private readonly row: (id: number, report: ReportLike, extras: Extras | undefined, bodyLength: number, out: Bytes) => unknown,
    /** The middles the maker's compact rows refer to (none for a maker that writes whole rows). */
    readonly middles: MiddleTable = NO_MIDDLES,
  ) {}

  /** Adds a delivery; its parsed body is not kept when the raw bytes parse back to it. */
  addDelivery(report: ReportLike, body: Buffer, origin?: number): number {
    const keepBody = !(report.bodyKind === 'json' && report.contentEncoding === undefined) && report.body !== undefined && report.body !== null;
    return this.add(report, reportJson(report, keepBody), body, origin === undefined ? undefined : { origin });
  }

  addSent(sent: SentInfo, body: Buffer, origin: number, stub: ReportLike): number {
    return this.add(stub, JSON.stringify(stub), body, { kind: 'sent', origin, sent });
  }

  private link(id: number, extras: Extras): void {
    this.extras.set(id, extras);
    if (extras.origin !== undefined && this.has(extras.origin)) (this.extrasOf(extras.origin, true)!.resends ??= []).push(id);
  }

  private name(s: unknown): string | null {
    if (typeof s !== 'string') return null;
    // A delivery's provider and event are nearly always the previous delivery's: no map lookup for them.
    if (s === this.recentName) return this.recentName;
    if (s === this.otherName) return this.otherName;
    let n = this.names.get(s);
    if (n === undefined) {
      if (this.names.size > 10_000) this.names.clear(); // names come from the network: bounded
      this.names.set(s, (n = s));
    }
    this.otherName = this.recentName;
    this.recentName = n;
    return n;
  }

  /** Adds an entry, linked to its origin once it is stored (nothing is linked, nor kept, if making it throws). */
  private add(report: ReportLike, json: string | Uint8Array, body: Buffer, extras?: Extras): number {
    const id = this.nextId++;
    let batch = this.batches[this.batches.length - 1];
    if (!batch || batch.data.used >= BATCH_BYTES || batch.rows.used >= BATCH_BYTES / 4 - 4096) {
      this.batches.push((batch = new Batch(id, this.spare)));
      this.spare = undefined;
    }
    const before = batch.bytes;
    // The row first, into its own buffer: a row maker that throws leaves the batch as it was.
    const rows = batch.rows;
    const rowsUsed = rows.used;
    try {
      if (batch.count > 0) rows.byte(0x2c); // ','
      // The maker writes the row's bytes into `rows` itself and returns undefined, or returns its JSON text or value.
      const made = this.row(id, report, extras, body.length, rows);
      if (made !== undefined) rows.text(typeof made === 'string' ? made : JSON.stringify(made));
    } catch (e) {
      rows.used = rowsUsed;
      this.nextId--;
      throw e;
    }
    if (extras) this.link(id, extras);
    batch.add(json, body, this.name(report.provider), this.name(report.event));
    this.total += batch.bytes - before + ENTRY_OVERHEAD;
    this.evict();
    return id;
  }

  private evict(): void {
    while (this.size > 1 && (this.size > this.options.keep || this.total > this.options.maxBytes)) {
      const id = this.first++;
      const b = this.batches[0]!; // the oldest entry is always in the first batch
      this.total -= b.entryBytes(id - b.firstId) + ENTRY_OVERHEAD;
      if (this.extras.size > 0) this.extras.delete(id);
      this.evicted++;
      if (b.firstId + b.count <= this.first && b !== this.batches[this.batches.length - 1]) {
        this.batches.shift();
        this.spare = { data: b.data.buf, rows: b.rows.buf };
      }
    }
  }

  extrasOf(id: number, create: boolean): Extras | undefined {
    let x = this.extras.get(id);
    if (!x && create && this.has(id)) this.extras.set(id, (x = {}));
    return x;
  }

  get size(): number {
    return this.nextId - this.first;
  }

  get bytes(): number {
    return this.total;
  }

  /** Lowest id still kept (ids are consecutive, so an id below it was evicted). */
  get firstId(): number {
    return this.first;
  }

  get lastId(): number {
    return this.nextId - 1;
  }

  private has(id: number): boolean {
    return Number.isSafeInteger(id) && id >= this.first && id < this.nextId;
  }

  private batchOf(id: number): Batch | undefined {
    let lo = 0;
    let hi = this.batches.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const b = this.batches[mid]!;
      if (id < b.firstId) hi = mid - 1;
      else if (id >= b.firstId + b.count) lo = mid + 1;
      else return b;
    }
    return undefined;
  }

  get(id: number): Entry | undefined {
    if (!this.has(id)) return undefined;
    const b = this.batchOf(id)!;
    const k = id - b.firstId;
    return new Entry(this, id, b.report(k), b.row(k), b.body(k), b.providers[k]!, b.events[k]!);
  }

  /** Entries with an id above `after`, oldest first, at most `limit`. */
  after(after: number, limit = Number.POSITIVE_INFINITY): Entry[] {
    const out: Entry[] = [];
    for (let id = Math.max(after + 1, this.first); id < this.nextId && out.length < limit; id++) out.push(this.get(id)!);
    return out;
  }

  /** The list rows as kept (JSON, comma-separated) of the ids above `after`, at most `limit`, and how many (as text: what rowsMessage's bytes are tested against). */
  rowsJson(after: number, limit: number): { json: string; count: number; last: number } {
    const parts: string[] = [];
    let id = Math.max(after + 1, this.first);
    const end = Math.min(this.nextId, id + limit);
    const count = Math.max(0, end - id);
    while (id < end) {
      const b = this.batchOf(id)!;
      const k = id - b.firstId;
      const n = Math.min(end - id, b.count - k);
      parts.push(b.rowRun(k, n));
      id += n;
    }
    return { json: parts.join(','), count, last: end - 1 };
  }

  /**
   * rowsJson as UTF-8 bytes (the live stream, the API's list): `head(last id, count)`, the rows comma-separated, then `tail`, in one new buffer.
   * The rows are copied as kept, never decoded into a string and encoded again for the socket.
   */
  rowsMessage(after: number, limit: number, head: (last: number, count: number) => string, tail: string): { bytes: Buffer; count: number; last: number } {
    const parts: Buffer[] = [];
    let id = Math.max(after + 1, this.first);
    const end = Math.min(this.nextId, id + limit);
    const count = Math.max(0, end - id);
    const first = head(end - 1, count);
    let size = Buffer.byteLength(first) + Buffer.byteLength(tail);
    while (id < end) {
      const b = this.batchOf(id)!;
      const k = id - b.firstId;
      const n = Math.min(end - id, b.count - k);
      const run = b.rowRunBytes(k, n);
      size += run.length + (parts.length > 0 ? 1 : 0);
      parts.push(run);
      id += n;
    }
    const bytes = Buffer.allocUnsafe(size);
    let at = bytes.write(first, 0);
    for (const [i, run] of parts.entries()) {
      if (i > 0) bytes[at++] = 0x2c; // ','
      at += run.copy(bytes, at);
    }
    bytes.write(tail, at);
    return { bytes, count, last: end - 1 };
  }

  /** The closest earlier delivery with the same provider and event. */
  previousSameEvent(entry: Entry): Entry | undefined {
    for (let id = entry.id - 1; id >= this.first; id--) {
      const b = this.batchOf(id)!;
      const k = id - b.firstId;
      if (b.providers[k] === entry.provider && b.events[k] === entry.event && this.extras.get(id)?.kind !== 'sent') return this.get(id);
    }
    return undefined;
  }

  /** Ids of the entries whose body contains `text` (case-insensitive for bodies up to 64 KB). */
  search(text: string, limit = 100_000): number[] {
    const needle = Buffer.from(text, 'utf8');
    const lower = text.toLowerCase();
    const out: number[] = [];
    for (let id = this.first; id < this.nextId && out.length < limit; id++) {
      const b = this.batchOf(id)!;
      const body = b.body(id - b.firstId);
      const hit = body.length <= 64 * 1024 ? body.toString('utf8').toLowerCase().includes(lower) : body.includes(needle);
      if (hit) out.push(id);
    }
    return out;
  }

  /** Nothing to release (no timers): kept for the callers' symmetry. */
  close(): void {}
}
