// The live stream (server-sent events). New entries are announced in batches, a few times a second, with one
// JSON serialization per batch for every page: the listener's hot path only marks that something changed.
// A page that does not keep up is never buffered for: it misses batches and is told to re-sync from the API.
import type { ServerResponse } from 'node:http';
import { SECURITY_HEADERS } from './security.js';
import type { DeliveryStore } from './store.js';
import { rowsDocument } from './views.js';

/** Time between batches: live enough for a person, cheap at thousands of deliveries a second. */
const FLUSH_MS = 100;
/** More new entries than this in one batch: send a "resync" (the page pages them in) instead of the rows. */
const MAX_BATCH = 500;
const PING_MS = 15_000;
export const MAX_CLIENTS = 16;

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
    this.send(client, this.store.lastId);
    this.ping ??= setInterval(() => {
      for (const c of this.clients) this.write(c, `: ping\n\n`);
    }, PING_MS).unref();
  }

  private write(c: Client, text: string): void {
    if (c.behind || c.res.destroyed) return;
    if (!c.res.write(text)) {
      c.behind = true;
      c.res.once('drain', () => {
        c.behind = false;
        // Whatever was skipped meanwhile, the page fetches from the API.
        this.write(c, `event: resync\ndata: ${JSON.stringify({ after: c.sent })}\n\n`);
        c.sent = this.store.lastId;
      });
    }
  }

  /** Rows after the client's last one, or a resync when there are too many for one message. */
  private send(c: Client, last: number, shared?: { after: number; text: string }): void {
    if (last <= c.sent) return;
    if (c.behind) {
      this.skipped++;
      return;
    }
    const head = `id: ${last}\n`;
    if (last - Math.max(c.sent, this.store.firstId - 1) > MAX_BATCH) {
      this.write(c, `${head}event: resync\ndata: ${JSON.stringify({ after: c.sent, first: this.store.firstId })}\n\n`);
    } else if (shared && shared.after === c.sent) {
      this.write(c, shared.text);
    } else {
      this.write(c, `${head}event: rows\ndata: ${this.rowsJson(c.sent)}\n\n`);
    }
    c.sent = last;
  }

  private rowsJson(after: number): string {
    return rowsDocument(this.store.rowsJson(after, MAX_BATCH).json, { first: this.store.firstId, evicted: this.store.evicted });
  }

  flush(): void {
    this.timer = undefined;
    const last = this.store.lastId;
    // Pages that are up to date share one serialization of the batch.
    let shared: { after: number; text: string } | undefined;
    for (const c of this.clients) {
      if (!shared && !c.behind && c.sent < last && last - Math.max(c.sent, this.store.firstId - 1) <= MAX_BATCH) shared = { after: c.sent, text: `id: ${last}\nevent: rows\ndata: ${this.rowsJson(c.sent)}\n\n` };
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
