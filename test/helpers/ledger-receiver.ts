// A small loyalty app for the scenario tests: it receives every provider's webhooks on 127.0.0.1, credits
// balances the way each provider's documentation says a receiver should (written from the docs, not from
// the scenario files' ledger rules), and serves GET /balance/<user> → {"user": …, "points": n}.
// Its `mode` injects one known bug: crediting duplicates, answering 409 to them, refusing out-of-order
// events, failing first attempts, or crediting and then crashing.
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Mode =
  | 'idempotent' // de-duplicates on the documented key, acknowledges duplicates with 200
  | 'credits-duplicates' // no de-duplication: every copy is credited
  | 'conflict-on-duplicate' // de-duplicates, but answers 409 to a duplicate
  | 'order-sensitive' // refuses a cashback outcome for a redemption it has not seen (422)
  | 'flaky' // answers 503 to the first request of each delivery, without crediting it
  | 'credit-then-crash'; // credits, then answers 500 to the first request of each delivery (and does not de-duplicate)

export interface LedgerReceiver {
  url: string;
  probe: string;
  balances: Map<string, number>;
  bodies: string[];
  requests: number;
  close(): Promise<void>;
}

type Body = Record<string, any>;

interface Effect {
  /** The de-duplication key the provider documents; undefined: none (every request is new). */
  key?: string;
  credits: Array<{ user: string; amount: number }>;
  /** For the order-sensitive mode: a redemption this event needs to have seen redeemed. */
  needsRedemption?: string;
  redemption?: string;
}

function effectOf(provider: string, b: Body, headers: http.IncomingHttpHeaders): Effect {
  switch (provider) {
    case 'mgpass': {
      // mgPass: "Idempotency key advised: event_type + data.user_id + timestamp".
      const key = `${b.event_type}:${b.data?.user_id}:${b.timestamp}`;
      const user = String(b.data?.user_id);
      if (b.event_type === 'rewards.points_awarded') return { key, credits: [{ user, amount: b.data.points }] };
      if (b.event_type === 'cashback.redeemed') return { key, credits: [{ user, amount: -b.data.points }], redemption: b.data.redemption_id };
      if (b.event_type === 'cashback.rejected') return { key, credits: [{ user, amount: b.data.points_refunded }], needsRedemption: b.data.redemption_id };
      if (b.event_type === 'cashback.processed') return { key, credits: [], needsRedemption: b.data.redemption_id };
      return { key, credits: [] };
    }
    case 'customerglu':
      // rewardId "can be used as a de-duplication filter".
      return { key: b.rewardId, credits: typeof b.rewardAmount === 'number' ? [{ user: b.userId, amount: b.rewardAmount }] : [] };
    case 'rehook': {
      // A "webhook reward" (wallet.points 0) is for the receiver to credit; the referral events only announce.
      if (b.event_name === 'customer.rewarded') {
        const credits = b.metadata?.wallet?.points === 0 ? [{ user: String(b.source_id), amount: b.metadata.points }] : [];
        return { key: `rewarded:${b.metadata?.reward?.redemption_id}`, credits };
      }
      return { key: `${b.event_name}:${b.metadata?.RedemptionId ?? b.metadata?.CustomerID}`, credits: [] };
    }
    case 'reward':
      return { key: b.id, credits: b.type === 'balance.credit_points_issued' ? [{ user: b.data.user.id, amount: b.data.transaction.amount }] : [] };
    case 'webengage':
      return { key: String(headers['x-request-id']), credits: [] };
    case 'segment':
      return { key: b.messageId, credits: [] };
    case 'customerglu-events':
      return { key: b.event_id, credits: [] };
    case 'moengage':
      return { key: b.moe_request_id, credits: [] };
    default:
      return { credits: [] };
  }
}

function validSignature(provider: string, secret: string | undefined, headers: http.IncomingHttpHeaders, raw: Buffer): boolean {
  if (secret === undefined) return true;
  const check = (header: string, algorithm: string) => {
    const given = Buffer.from(String(headers[header] ?? ''));
    const expected = Buffer.from(createHmac(algorithm, secret).update(raw).digest('hex'));
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  if (provider === 'mgpass') return check('x-webhook-signature', 'sha256');
  if (provider === 'customerglu') return check('x-cg-signature', 'sha1');
  return true;
}

/** POST /webhook/<provider>; GET /balance/<user>. */
export async function startLedgerReceiver(mode: Mode, secret?: string): Promise<LedgerReceiver> {
  const balances = new Map<string, number>();
  const seen = new Set<string>();
  const firstTry = new Set<string>();
  const redeemed = new Set<string>();
  const bodies: string[] = [];
  const state = { requests: 0 };
  const credit = (e: Effect) => {
    for (const c of e.credits) balances.set(c.user, (balances.get(c.user) ?? 0) + c.amount);
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const answer = (status: number, body: unknown = { status }) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.method === 'GET' && url.pathname.startsWith('/balance/')) {
        const user = decodeURIComponent(url.pathname.slice('/balance/'.length));
        return balances.has(user) ? answer(200, { user, points: balances.get(user) }) : answer(404, { error: 'unknown user' });
      }
      state.requests++;
      const raw = Buffer.concat(chunks);
      bodies.push(raw.toString('utf8'));
      const provider = url.pathname.split('/')[2] ?? '';
      if (!validSignature(provider, secret, req.headers, raw)) return answer(401);
      let body: Body;
      try {
        body = JSON.parse(raw.toString('utf8')) as Body;
      } catch {
        return answer(400);
      }
      const e = effectOf(provider, body, req.headers);
      const key = e.key ?? `request:${state.requests}`;
      if (mode === 'flaky' && !firstTry.has(key)) {
        firstTry.add(key);
        return answer(503);
      }
      if (mode === 'credit-then-crash') {
        credit(e);
        if (!firstTry.has(key)) {
          firstTry.add(key);
          return answer(500);
        }
        return answer(200);
      }
      if (mode === 'order-sensitive' && e.needsRedemption !== undefined && !redeemed.has(e.needsRedemption)) return answer(422, { error: 'unknown redemption' });
      if (e.redemption !== undefined) redeemed.add(e.redemption);
      if (seen.has(key) && mode !== 'credits-duplicates') return answer(mode === 'conflict-on-duplicate' ? 409 : 200, { status: 'duplicate' });
      seen.add(key);
      credit(e);
      return answer(200);
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    probe: `http://127.0.0.1:${port}/balance/{user}`,
    balances,
    bodies,
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
