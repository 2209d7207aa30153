// The inspector's memory: the last N deliveries (and resends), bounded by count and by bytes, oldest evicted.
// Adding is on the listener's hot path: no serialization, no copying of the body, one small object.
import type { DeliveryReport } from '../http/listen.js';

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

export interface Entry {
  id: number;
  kind: 'delivery' | 'sent';
  /** The listener's report (body dropped when the raw bytes can give it back) or, for `sent`, a stub. */
  report: ReportLike;
  /** The bytes as received (or as sent). */
  body: Buffer;
  /** Estimated memory held, for the byte bound. */
  bytes: number;
  /** The entry this one was resent from. */
  origin?: number;
  /** Entries resent from this one. */
  resends?: number[];
  /** How the resend was answered (for a delivery resent to the listener itself). */
  resend?: { status?: number; latencyMs?: number; error?: string; mode: string };
  sent?: SentInfo;
  /** The full diagnosis, computed once when the detail is first opened. */
  explanation?: unknown;
}

/** Roughly what a report costs besides its body (headers, verdicts, strings): measured ~1-2 KB. */
const REPORT_OVERHEAD = 1536;

export interface StoreOptions {
  /** How many entries to keep. */
  keep: number;
  /** Upper bound on the estimated bytes kept (bodies and reports). */
  maxBytes: number;
}

export class DeliveryStore {
  private entries: Entry[] = [];
  private head = 0;
  private nextId = 1;
  private total = 0;
  /** Entries evicted so far (the page says how many are gone). */
  evicted = 0;

  constructor(readonly options: StoreOptions) {}

  /** Adds a delivery; `report.body` is dropped from the kept copy when the raw bytes parse back to it. */
  addDelivery(report: ReportLike, body: Buffer, origin?: number): Entry {
    let kept = report;
    let extra = 0;
    if (report.bodyKind === 'json' && report.contentEncoding === undefined) {
      kept = { ...report };
      kept.body = undefined;
    } else if (report.body !== undefined && report.body !== null) {
      // Form fields, decoded (gzip) bodies, text: kept as the listener read them; counted twice for the parse.
      extra = 2 * body.length;
    }
    const entry: Entry = { id: this.nextId++, kind: 'delivery', report: kept, body, bytes: body.length + extra + REPORT_OVERHEAD };
    if (origin !== undefined) this.link(entry, origin);
    return this.push(entry);
  }

  addSent(sent: SentInfo, body: Buffer, origin: number, stub: ReportLike): Entry {
    const entry: Entry = { id: this.nextId++, kind: 'sent', report: stub, body, bytes: body.length + REPORT_OVERHEAD, sent };
    this.link(entry, origin);
    return this.push(entry);
  }

  private link(entry: Entry, origin: number): void {
    entry.origin = origin;
    const from = this.get(origin);
    if (from) (from.resends ??= []).push(entry.id);
  }

  private push(entry: Entry): Entry {
    this.entries.push(entry);
    this.total += entry.bytes;
    while (this.size > 1 && (this.size > this.options.keep || this.total > this.options.maxBytes)) {
      const old = this.entries[this.head]!;
      this.entries[this.head++] = undefined as unknown as Entry;
      this.total -= old.bytes;
      this.evicted++;
    }
    // Compact now and then rather than shifting the array on every eviction.
    if (this.head > 4096 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    return entry;
  }

  get size(): number {
    return this.entries.length - this.head;
  }

  get bytes(): number {
    return this.total;
  }

  /** Lowest id still kept (ids are consecutive, so an id below it was evicted). */
  get firstId(): number {
    return this.size === 0 ? this.nextId : this.entries[this.head]!.id;
  }

  get lastId(): number {
    return this.nextId - 1;
  }

  get(id: number): Entry | undefined {
    if (!Number.isSafeInteger(id) || this.size === 0) return undefined;
    const at = this.head + (id - this.entries[this.head]!.id);
    return at >= this.head && at < this.entries.length ? this.entries[at] : undefined;
  }

  /** Entries with an id above `after`, oldest first, at most `limit`. */
  after(after: number, limit = Number.POSITIVE_INFINITY): Entry[] {
    const start = Math.max(this.head, this.head + (after + 1 - this.firstId));
    const end = Math.min(this.entries.length, start + limit);
    return start >= end ? [] : this.entries.slice(start, end);
  }

  /** The closest earlier delivery with the same provider and event. */
  previousSameEvent(entry: Entry): Entry | undefined {
    const { provider, event } = entry.report;
    for (let at = this.head + (entry.id - this.firstId) - 1; at >= this.head; at--) {
      const e = this.entries[at]!;
      if (e.kind === 'delivery' && e.report.provider === provider && e.report.event === event) return e;
    }
    return undefined;
  }

  /** Ids of the entries whose body contains `text` (case-insensitive for bodies up to 64 KB). */
  search(text: string, limit = 100_000): number[] {
    const needle = Buffer.from(text, 'utf8');
    const lower = text.toLowerCase();
    const out: number[] = [];
    for (let at = this.head; at < this.entries.length && out.length < limit; at++) {
      const e = this.entries[at]!;
      const hit = e.body.length <= 64 * 1024 ? e.body.toString('utf8').toLowerCase().includes(lower) : e.body.includes(needle);
      if (hit) out.push(e.id);
    }
    return out;
  }
}
