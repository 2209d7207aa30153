// The inspector's store alone, in one process: the `--json` line (deliveryJsonParts, as the listener makes it), then
// `store.addDelivery` as `listen --ui` does, into a store kept full (10,000 deliveries, ~18 MB). Reports are made as
// buildReport makes them (one literal, fresh nested objects), so their shapes are the listener's. Prints ns of CPU a
// delivery for the line alone, line and store, and their difference. Steady to ~2-3 % run to run, where the in-process
// harness (harness.ts) swings ±15 % in the inspector's share. Run with store.sh.
import { createHash, randomUUID } from 'node:crypto';
import { deliveryJsonParts } from 'SRC/output/delivery.js';
import * as rowBytes from 'SRC/ui/row-bytes.js';
import { DeliveryStore } from 'SRC/ui/store.js';

const POOL = 256; // reports cycled: small enough to stay in the caches, as a report just built does
const bodies = Array.from({ length: POOL }, (_, i) =>
  Buffer.from(JSON.stringify({ campaignId: randomUUID(), type: 'spinthewheel', rewardType: 'cashbacks', userId: randomUUID(), rewardId: randomUUID(), status: 'redeemable-unseen', rewardName: '£2 cashback', rewardAmount: 2 + (i % 5), tnc: ['Valid on orders above £25'], details: { currency: 'GBP', campaignName: 'Diwali Dhamaka 🪔' } })),
);
const t0 = Date.UTC(2026, 10, 30, 6);
const report = (i: number) => {
  const b = bodies[i % POOL]!;
  return {
    type: 'delivery', seq: i + 1, receivedAt: new Date(t0 + i * 0.03).toISOString(), method: 'POST', path: '/webhook', query: {},
    headers: { host: '127.0.0.1:47123', connection: 'keep-alive', 'user-agent': 'cg-hooks/0.1.0', 'content-type': 'application/json', 'x-cg-signature': createHash('sha1').update(b).digest('hex'), 'content-length': String(b.length) },
    remoteAddress: '127.0.0.1', size: b.length, sha256: createHash('sha256').update(b).digest('hex'), provider: 'customerglu', confidence: 0.95, event: 'reward', verdict: 'valid', problems: [],
    signature: { status: 'valid', ok: true, reason: 'X-CG-SIGNATURE matches', header: 'X-CG-SIGNATURE', secretIndex: 0, scheme: 'customerglu' },
    auth: { status: 'none', ok: true, reason: 'the provider uses no credential besides its signature' }, schema: { status: 'valid', issues: [] }, bodyKind: 'json', duplicate: null,
    dedupKey: `customerglu:${i}-${b.length}`, status: 200, statusReason: 'verdict', durationMs: [0.05, 0.1, 1.23, 0.07][i & 3], body: JSON.parse(b.toString()),
  };
};
const reports = Array.from({ length: POOL }, (_, i) => report(i));
// The row maker `listen --ui` uses: compact rows and their table (wave 17), or, in a build before them, whole rows.
const made = rowBytes as unknown as { CompactRows?: new () => { write: never }; writeRowJson?: never };
const table = made.CompactRows ? new made.CompactRows() : undefined;
const store = table ? new DeliveryStore({ keep: 10_000, maxBytes: 64 << 20 }, table.write, table as never) : new DeliveryStore({ keep: 10_000, maxBytes: 64 << 20 }, made.writeRowJson!);
let sink = 0;
let i = 0;
function run(n: number, withStore: boolean): number {
  const start = process.cpuUsage();
  for (let k = 0; k < n; k++, i++) {
    const r = reports[i % POOL]! as Parameters<typeof deliveryJsonParts>[0];
    (r as { seq: number }).seq = i + 1;
    const parts = deliveryJsonParts(r, { body: bodies[i % POOL]! });
    sink += Array.isArray(parts) ? parts.length : 1;
    if (withStore) store.addDelivery(r as never, bodies[i % POOL]!);
  }
  const u = process.cpuUsage(start);
  return ((u.user + u.system) * 1000) / n;
}
run(30_000, true);
run(30_000, false);
const line: number[] = [];
const both: number[] = [];
for (let r = 0; r < Number(process.env.R ?? 15); r++) {
  line.push(run(20_000, false));
  both.push(run(20_000, true));
}
const med = (x: number[]) => x.slice().sort((p, q) => p - q)[x.length >> 1]!;
console.log(JSON.stringify({ line: Math.round(med(line)), lineAndStore: Math.round(med(both)), store: Math.round(med(both) - med(line)), kept: store.size, mb: Math.round(store.bytes / 1e5) / 10, sink: sink > 0 }));
