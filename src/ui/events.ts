// The live stream (server-sent events). New entries are announced in batches, a few times a second, with one
// JSON serialization per batch for every page: the listener's hot path only marks that something changed.
// A page that does not keep up is buffered for up to MAX_BUFFERED per page, no more: it misses batches and is told to
// re-sync from the API.
import type { ServerResponse } from 'node:http';
import { SECURITY_HEADERS } from './security.js';
import type { DeliveryStore } from './store.js';
import { rowsDocument } from './views.js';

/** Time between batches: live enough for a person, cheap at thousands of deliveries a second. */
const FLUSH_MS = 100;
/** More new entries than this in one batch: send a "resync" (the page pages them in) instead of the rows. */
const MAX_BATCH = 2000;
/** Rows per "rows" message: ~40 KB, well inside V8's young generation. */
const MESSAGE_ROWS = 100;
const PING_MS = 15_000;

interface Message {
  /** The id of the message's last row. */
  last: number;
  /** UTF-8, shared by every page sent it (never written to after it is made). */
  bytes: Buffer;
}
export const MAX_CLIENTS = 16;
/** Unread bytes a page may leave in its socket's buffer (at most MAX_CLIENTS × this in all) before it is behind. */
const MAX_BUFFERED = 512 * 1024;

interface Client {
  res: ServerResponse;
  /** Highest id this client has been sent (or told to fetch). */
  sent: number;
  /** The socket is full: nothing more is written until it drains; then a resync. */
  behind: boolean;
}

export class EventHub {
  private clients = new Set<Client>();
  private timer: NodeJS.Timeout | undefined;
  private ping: NodeJS.Timeout | undefined;
  /** Middles announced to every page so far (a page attaching later is sent them all first). */
  private middlesSent = 0;
  /** Batches skipped for slow pages (for tests and the bench). */
  skipped = 0;

  constructor(private readonly store: DeliveryStore) {}

  get size(): number {
    return this.clients.size;
  }

  /** Called for every new entry: cheap (a flag and, at most once per batch, a timer). */
  changed(): void {
    if (this.clients.size > 0 && this.timer === undefined) this.timer = setTimeout(() => this.flush(), FLUSH_MS);
  }

  attach(res: ServerResponse, after: number): void {
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    const client: Client = { res, sent: after, behind: false };
    this.clients.add(client);
    res.on('close', () => this.clients.delete(client));
    this.write(client, `retry: 2000\n\n`);
    // The table of middles before any row that refers to it (a page that misses it, being behind, re-syncs from the
    // API, whose compact list carries the whole table).
    this.writeAllMiddles(client);
    this.send(client, this.store.lastId);
    this.ping ??= setInterval(() => {
      for (const c of this.clients) this.write(c, `: ping\n\n`);
    }, PING_MS).unref();
  }

  private write(c: Client, text: string | Buffer): void {
    if (c.behind || c.res.destroyed) return;
    c.res.write(text);
    // A socket takes a batch of rows in several writes; only a page that leaves this much unread is behind.
    if (c.res.writableLength > MAX_BUFFERED) {
      c.behind = true;
      c.res.once('drain', () => {
        c.behind = false;
        // Whatever was skipped meanwhile, the page fetches from the API; middles announced meanwhile come first,
        // since the rows streamed from here on, before that fetch answers, may refer to them.
        this.writeAllMiddles(c);
        this.write(c, `event: resync\ndata: ${JSON.stringify({ after: c.sent })}\n\n`);
        c.sent = this.store.lastId;
      });
    }
  }

  /** Rows after the client's last one (in messages of MESSAGE_ROWS), or a resync when there are too many. */
  private send(c: Client, last: number, shared?: { after: number; messages: Message[] }): void {
    if (last <= c.sent) return;
    if (c.behind) {
      this.skipped++;
      return;
    }
    if (last - Math.max(c.sent, this.store.firstId - 1) > MAX_BATCH) {
      this.write(c, `id: ${last}\nevent: resync\ndata: ${JSON.stringify({ after: c.sent, first: this.store.firstId })}\n\n`);
      c.sent = last;
      return;
    }
    for (const m of shared && shared.after === c.sent ? shared.messages : this.messages(c.sent, last)) {
      if (c.behind || c.res.destroyed) break; // the rest, once it drains, by a resync from c.sent
      this.write(c, m.bytes);
      c.sent = m.last;
    }
  }

  /**
   * The rows after `after` up to `last`, as "rows" messages of at most MESSAGE_ROWS rows (~40 KB): a buffer past
   * malloc's ~128 KB threshold would be fresh memory for every batch, which a VM pays for dearly. Each message is
   * the rows' bytes as the store keeps them, copied once: no string is decoded from them, nor encoded again.
   */
  private messages(after: number, last: number): Message[] {
    const out: Message[] = [];
    // What rowsDocument(rows, head) writes around the rows, made here as bytes around the rows' kept bytes.
    const open = rowsDocument('', { first: this.store.firstId, evicted: this.store.evicted }).slice(0, -2);
    for (let from = after; from < last; ) {
      const rows = this.store.rowsMessage(from, Math.min(MESSAGE_ROWS, last - from), (id) => `id: ${id}\nevent: rows\ndata: ${open}`, ']}\n\n');
      if (rows.count === 0) break;
      out.push({ last: rows.last, bytes: rows.bytes });
      from = rows.last;
    }
    return out;
  }

  /** The whole table of middles, if there is one, to one page. */
  private writeAllMiddles(c: Client): void {
    const known = this.store.middles.json.length;
    if (known > 0) this.write(c, this.middlesMessage(0, known));
  }

  /** `middles` from index `from` up to `to`: what a compact row's middle index refers to (row.ts). */
  private middlesMessage(from: number, to: number): string {
    return `event: middles\ndata: {"from":${from},"middles":[${this.store.middles.json.slice(from, to).join(',')}]}\n\n`;
  }

  flush(): void {
    this.timer = undefined;
    const last = this.store.lastId;
    const known = this.store.middles.json.length;
    if (known > this.middlesSent) {
      const message = this.middlesMessage(this.middlesSent, known);
      for (const c of this.clients) this.write(c, message);
      this.middlesSent = known;
    }
    // Pages that are up to date share one serialization of the batch.
    let shared: { after: number; messages: Message[] } | undefined;
    for (const c of this.clients) {
      if (!shared && !c.behind && c.sent < last && last - Math.max(c.sent, this.store.firstId - 1) <= MAX_BATCH) shared = { after: c.sent, messages: this.messages(c.sent, last) };
      this.send(c, last, shared);
    }
  }

  /** An entry changed after it was announced (a resend linked to it): pages refresh it. */
  updated(id: number): void {
    for (const c of this.clients) if (c.sent >= id) this.write(c, `event: update\ndata: ${JSON.stringify({ id })}\n\n`);
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.store.close();
    if (this.ping) clearInterval(this.ping);
    for (const c of this.clients) c.res.end();
    this.clients.clear();
  }
}
