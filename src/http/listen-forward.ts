// `listen --forward-to`: relay each delivery (same method, bytes, end-to-end headers, every query value) and
// answer with the target's status. What the sender gets is always what is reported, and the target URL's
// credentials are never shown (not in the report, not in a 502 answer, not at start-up).
import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { validateHeaderValue } from 'node:http';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { redactUrl, sentCredentials, withoutCredentials } from '../core/redact.js';
import { UsageError } from '../errors.js';
import { endToEndHeaders, exchangeRaw } from './client.js';
import type { DeliveryReport } from './listen-types.js';

export interface Relayed {
  /** The answer's body for the sender. */
  answer: unknown;
  extra?: Record<string, string>;
}

/**
 * The target URL with the delivery's query string appended as received (order, repeated names and encoding
 * kept); a parameter the target URL already sets keeps the target's value.
 */
export function relayUrl(target: URL, rawQuery: string): URL {
  if (rawQuery === '') return target;
  const own = new Set(target.searchParams.keys());
  const kept = rawQuery.split('&').filter((piece) => {
    if (piece === '') return false;
    const name = piece.split('=', 1)[0]!.replace(/\+/g, ' ');
    let key = name;
    try {
      key = decodeURIComponent(name);
    } catch {
      // a malformed escape is kept as written
    }
    return !own.has(key);
  });
  if (kept.length === 0) return target;
  const url = new URL(target);
  url.search = target.search.length > 1 ? `${target.search.slice(1)}&${kept.join('&')}` : kept.join('&');
  return url;
}

const normal = (address: string) => address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1').toLowerCase();
const isLoopback = (a: string) => a === '::1' || /^127\./.test(a);
const isUnspecified = (a: string) => a === '0.0.0.0' || a === '::';

async function addressesOf(host: string): Promise<string[]> {
  const name = host.replace(/^\[(.*)\]$/, '$1');
  if (isIP(name)) return [normal(name)];
  try {
    return (await lookup(name, { all: true })).map((a) => normal(a.address));
  } catch {
    return []; // unresolvable: each relay will say so
  }
}

function localAddresses(): Set<string> {
  const out = new Set<string>();
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) out.add(normal(a.address));
  return out;
}

/** Exit 2 at start-up when --forward-to is the listener's own address: every delivery would loop. */
export async function assertNotSelf(target: URL, bound: { host: string; port: number }): Promise<void> {
  const port = Number(target.port || (target.protocol === 'https:' ? 443 : 80));
  if (port !== bound.port) return;
  const targets = await addressesOf(target.hostname);
  const binds = await addressesOf(bound.host);
  const wildcard = binds.some(isUnspecified);
  const local = wildcard ? localAddresses() : new Set<string>();
  const self = targets.some((a) => isUnspecified(a) || binds.includes(a) || (wildcard && (isLoopback(a) || local.has(a))));
  if (self) {
    throw new UsageError(
      'forward_loop',
      `--forward-to ${redactUrl(target.href)} is this listener itself (port ${port}): every delivery would be relayed back to it`,
      'point --forward-to at your own receiver, or run the listener on another --port',
    );
  }
}

export class Forwarder {
  /** The URL as it may be shown: `user:password@` and credential query parameters masked. */
  readonly display: string;
  /** Added to the Via header of what this listener relays: a delivery that comes back with it is a loop. */
  private readonly mark = `cg-hooks-${randomBytes(6).toString('hex')}`;
  private readonly secrets: string[];

  constructor(
    readonly target: URL,
    private readonly timeoutMs: number,
    private readonly insecure = false,
  ) {
    this.display = redactUrl(target.href);
    const decoded = (s: string) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    };
    this.secrets = [target.href, target.password, decoded(target.password), target.username, decoded(target.username)].filter((s) => s.length >= 3);
  }

  /** An error text from the network layer, without the target's credentials. */
  private scrub(message: string): string {
    let out = message;
    for (const s of this.secrets) out = out.split(s).join(s === this.target.href ? this.display : '****');
    return out;
  }

  /**
   * The target's answer as it may be shown: a receiver that echoes the request (a debug endpoint, httpbin) would
   * put the delivery's credentials, which the relay sends in clear, into the report; they are masked as in it.
   */
  private scrubEcho(text: string, headers: Record<string, string>, rawQuery: string): string {
    return withoutCredentials(this.scrub(text), sentCredentials(relayUrl(this.target, rawQuery).href, headers));
  }


  /** Relays one delivery; sets the report's status, statusReason and forward; returns the sender's answer. */
  async relay(report: DeliveryReport, headers: Record<string, string>, body: Buffer, rawQuery: string): Promise<Relayed> {
    report.forward = { url: this.display };
    const fail = (why: string, status = 502, hint?: string): Relayed => {
      report.forward!.error = why;
      if (hint) report.forward!.hint = hint;
      report.status = status;
      report.statusReason = 'forward-failed';
      return { answer: { error: status === 508 ? 'loop_detected' : 'bad_gateway', message: `--forward-to ${this.display}: ${why}` } };
    };
    if ((headers.via ?? '').includes(this.mark)) return fail('this delivery was already relayed by this listener (a forwarding loop): not relayed again', 508);
    const relayed = endToEndHeaders(headers);
    relayed.via = headers.via ? `${headers.via}, 1.1 ${this.mark}` : `1.1 ${this.mark}`;
    const x = await exchangeRaw({ url: relayUrl(this.target, rawQuery), method: report.method, headers: relayed, body, timeoutMs: this.timeoutMs, ...(this.insecure ? { insecure: true } : {}) });
    report.forward.latencyMs = Math.round(x.latencyMs * 10) / 10;
    if (x.error || !x.response) {
      if (x.status !== undefined) report.forward.status = x.status;
      return fail(this.scrub(x.error?.message ?? 'no response'), 502, x.error?.hint !== undefined ? this.scrub(x.error.hint) : undefined);
    }
    const r = x.response;
    report.forward.status = r.status;
    report.forward.body = this.scrubEcho(r.body.subarray(0, 2048).toString('utf8'), headers, rawQuery);
    // An interim or impossible status (99, 101, 600) cannot be passed on: the sender would get something else.
    if (!(r.status >= 200 && r.status <= 599)) return fail(`the target answered ${r.status}, which is not a final HTTP status`);
    report.status = r.status;
    report.statusReason = 'forwarded';
    const type = r.headers['content-type'];
    let extra: Record<string, string> | undefined;
    if (typeof type === 'string') {
      try {
        validateHeaderValue('content-type', type);
        extra = { 'content-type': type };
      } catch {
        extra = { 'content-type': 'application/octet-stream' }; // a value node refuses to write
      }
    }
    return extra ? { answer: r.body, extra } : { answer: r.body };
  }
}
