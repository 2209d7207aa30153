// In one process: the listener's per-delivery work (as /work/wt/tools/inproc-listen.ts: header map, inspectDelivery,
// the duplicate memory, buildReport, the answer) then the `--json` line and, with --ui, the inspector's wrapped
// onDelivery; for OLD's and NEW's sources, each inspector with a page's event stream open (reader.mjs, a child
// process that catches up from the API on a resync, as bench/listen.mjs's page does). Two pipelines a build, made
// old, new, new, old, and fed in alternating rounds; CPU time of this process (process.cpuUsage: the stream's
// flushes and the API's answers included) per delivery. First (CHECK, default on) both builds' inspectors get the
// same 12,500 deliveries on a fixed clock and must answer the same API requests with the same bytes.
// Run with bench/inproc-ui/run.sh <new worktree> [old worktree].
import { createHmac } from 'node:crypto';
import { fork } from 'node:child_process';
import { PerformanceObserver } from 'node:perf_hooks';
import * as oldProviders from 'OLD/src/providers/index.js';
import * as oldGenerate from 'GEN/src/core/generate.js';
import * as genProviders from 'GEN/src/providers/index.js';
import * as oldInspect from 'OLD/src/http/inspect.js';
import * as oldReport from 'OLD/src/http/listen-report.js';
import * as oldCapture from 'OLD/src/core/capture.js';
import * as oldDelivery from 'OLD/src/output/delivery.js';
import * as oldExplain from 'OLD/src/http/explain-hook.js';
import * as oldUi from 'OLD/src/ui/index.js';
import * as newProviders from 'NEW/src/providers/index.js';
import * as newInspect from 'NEW/src/http/inspect.js';
import * as newReport from 'NEW/src/http/listen-report.js';
import * as newCapture from 'NEW/src/core/capture.js';
import * as newDelivery from 'NEW/src/output/delivery.js';
import * as newExplain from 'NEW/src/http/explain-hook.js';
import * as newUi from 'NEW/src/ui/index.js';

const SECRET = 'bench-s3cret';
const M = Number(process.env.M ?? 5000);
const R = Number(process.env.R ?? 21);
const CHUNK = Number(process.env.CHUNK ?? 32);
const FILL = Number(process.env.FILL ?? 12000);
const gen = oldGenerate.prepareGenerator(await genProviders.loadProvider('customerglu'), 'reward', { seed: 'bench' });
const POOL = 40000;
const pool = Array.from({ length: POOL }, (_, i) => {
  const body = Buffer.from(gen.make(i).body);
  return { body, raw: ['Host', '127.0.0.1:40000', 'Connection', 'keep-alive', 'content-type', 'application/json', 'x-cg-signature', createHmac('sha1', SECRET).update(body).digest('hex'), 'content-length', String(body.length)] };
});
// The page's built files (OLD's dist: run `npm run build` there once).
const assetsDir = new URL('OLD/dist/ui/', 'file:///');

async function pipeline(P: any, I: any, Rp: any, C: any, D: any, E: any, U: any, fixedClock: boolean) {
  const ctx = { providers: await P.loadAllProviders(), fixed: undefined, credentials: { secrets: [SECRET] }, explain: await E.loadExplain() };
  const dedup = new I.DedupTracker();
  const req: any = { method: 'POST', url: '/webhook', socket: { remoteAddress: '127.0.0.1' } };
  let seq = 0;
  let sink = 0;
  const onDelivery = (report: any, raw: { body: Buffer }) => {
    const line = D.deliveryJsonParts(report, raw);
    sink += Array.isArray(line) ? line.length : 1;
  };
  const inspector = U ? await U.startInspector({ secrets: [SECRET] }, { assetsDir }) : undefined;
  const callbacks = inspector ? inspector.wrap({ onDelivery }) : { onDelivery };
  const f = (d: { body: Buffer; raw: string[] }) => {
    const receivedAt = fixedClock ? new Date(Date.UTC(2026, 0, 1) + seq * 7).toISOString() : Rp.isoNow();
    const headers = Rp.headerMap(d.raw);
    const { path, query } = Rp.splitUrl(req.url);
    const input = { method: 'POST', path, query: C.lastValues(query), headers, body: d.body, tooLarge: false, size: d.body.length, maxDecoded: 1 << 20 };
    const analysis = I.inspectDelivery(input, ctx);
    const n = ++seq;
    const firstSeq = analysis.signature.ok && analysis.auth.ok ? dedup.claim(analysis.dedupKey, n) : undefined;
    const report = Rp.buildReport(req, n, { receivedAt, path, query, headers, size: d.body.length }, d.body, analysis, firstSeq, false);
    report.durationMs = 0.05;
    Rp.answerBody(report.status, report);
    callbacks.onDelivery(report, { body: d.body });
  };
  return { f, inspector };
}

function openPage(url: string) {
  const child = fork(new URL('./reader.mjs', import.meta.url).pathname, [url], { execArgv: [] });
  const ready = new Promise((resolve) => child.once('message', resolve));
  return {
    child,
    ready,
    stats: () => new Promise<any>((resolve) => { child.once('message', resolve); child.send('stats'); }),
  };
}
const turn = () => new Promise((r) => setImmediate(r));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- Same rows and details: fresh inspectors, a fixed clock, the same deliveries (duplicates included). ----
if (process.env.CHECK !== '0') {
  const a = await pipeline(oldProviders, oldInspect, oldReport, oldCapture, oldDelivery, oldExplain, oldUi, true);
  const b = await pipeline(newProviders, newInspect, newReport, newCapture, newDelivery, newExplain, newUi, true);
  const get = async (insp: any, path: string) => {
    const r = await fetch(`http://127.0.0.1:${insp.port}${path}`, { headers: { 'x-cg-hooks-token': insp.token } });
    return Buffer.from(await r.arrayBuffer());
  };
  for (let i = 0; i < 12500; i++) {
    const d = pool[i % 3 === 2 ? i - 1 : i]!; // some duplicates
    a.f(d);
    b.f(d);
  }
  let differ = 0;
  const paths = ['/api/deliveries?after=0&limit=10000', '/api/deliveries?after=4000&limit=3', '/api/deliveries?after=12490', ...[2501, 2600, 7777, 12500, 12499].map((id) => `/api/deliveries/${id}`), '/api/deliveries/2601/capture', '/api/diff?a=9000', '/api/search?q=reward'];
  for (const p of paths) {
    const x = await get(a.inspector, p), y = await get(b.inspector, p);
    if (!x.equals(y)) { differ++; console.log('DIFFERENT', p, '\nold', x.toString().slice(0, 600), '\nnew', y.toString().slice(0, 600)); }
  }
  if (differ) process.exit(1);
  console.log(`same API bytes for ${paths.length} requests over 12,500 deliveries (kept ${JSON.stringify(a.inspector.stats())} / ${JSON.stringify(b.inspector.stats())})`);
  await a.inspector.close();
  await b.inspector.close();
}

// Two pipelines of each build, made in the order old, new, new, old (A B B A): whatever favours the first or the
// last made (an A/A run of one pair each showed ~0.8 between two copies of the same sources) falls on both builds.
const mk = async (v: 'old' | 'new', ui: boolean) =>
  v === 'old'
    ? pipeline(oldProviders, oldInspect, oldReport, oldCapture, oldDelivery, oldExplain, ui ? oldUi : undefined, false)
    : pipeline(newProviders, newInspect, newReport, newCapture, newDelivery, newExplain, ui ? newUi : undefined, false);
const order: string[] = [];
const runs: Record<string, { f: (d: any) => void; inspector?: any; page?: ReturnType<typeof openPage> }> = {};
for (const [v, n] of [['old', 1], ['new', 1], ['new', 2], ['old', 2]] as const) {
  for (const ui of [false, true]) {
    const k = `${v}${ui ? 'Ui' : 'Plain'}${n}`;
    runs[k] = await mk(v, ui);
    order.push(k);
    if (ui && !process.env.NOPAGE) {
      runs[k]!.page = openPage(runs[k]!.inspector.url);
      await runs[k]!.page!.ready;
    }
  }
}
await sleep(300);
const next: Record<string, number> = Object.fromEntries(order.map((k) => [k, 0]));
async function feed(k: string, n: number) {
  const f = runs[k]!.f;
  for (let i = 0; i < n; ) {
    const end = Math.min(n, i + CHUNK);
    for (; i < end; i++) f(pool[next[k]!++ % POOL]!);
    await turn();
  }
  await sleep(120); // the last flush of the stream, counted
}
// Fill every store past its keep (recycled ring) first.
for (const k of order) await feed(k, FILL);
const med = (a: number[]) => a.slice().sort((x, y) => x - y)[a.length >> 1]!;
const mid = (a: number[]) => { const b = a.slice().sort((x, y) => x - y); const q = b.length >> 2; const c = b.slice(q, b.length - q); return c.reduce((x, y) => x + y, 0) / c.length; };
const ns: Record<string, number[]> = Object.fromEntries(order.map((k) => [k, []]));
const gcMs: Record<string, number> = Object.fromEntries(order.map((k) => [k, 0]));
const gcN: Record<string, number> = Object.fromEntries(order.map((k) => [k, 0]));
let current = '';
new PerformanceObserver((list) => { for (const e of list.getEntries()) if (current) { gcMs[current]! += e.duration; gcN[current]!++; } }).observe({ entryTypes: ['gc'] });
for (let r = 0; r < R + 1; r++) {
  const ks = r % 2 ? order.slice().reverse() : order;
  for (const k of ks) {
    const c = process.cpuUsage();
    current = r >= 1 ? k : '';
    await feed(k, M);
    const u = process.cpuUsage(c);
    if (r >= 1) ns[k]!.push(((u.user + u.system) * 1000) / M);
  }
}
// Per round and build: the inspector's cost, (ui - plain), averaged over the build's two pairs.
const adds = (v: string) => ns[`${v}Ui1`]!.map((_, i) => (ns[`${v}Ui1`]![i]! - ns[`${v}Plain1`]![i]! + ns[`${v}Ui2`]![i]! - ns[`${v}Plain2`]![i]!) / 2);
const plain = (v: string) => ns[`${v}Plain1`]!.map((x, i) => (x + ns[`${v}Plain2`]![i]!) / 2);
const o = adds('old'), n = adds('new');
console.log(`ns CPU a delivery (${R} rounds of ${M}, medians): ${order.map((k) => `${k} ${med(ns[k]!).toFixed(0)}`).join(', ')}`);
console.log(`inspector adds (median of rounds): old ${med(o).toFixed(0)} ns, new ${med(n).toFixed(0)} ns: new/old ${(med(n) / med(o)).toFixed(3)}; mean of the middle half: old ${mid(o).toFixed(0)}, new ${mid(n).toFixed(0)}: ${(mid(n) / mid(o)).toFixed(3)}`);
console.log(`same pairs apart (A/A within each build): old1 ${med(ns.oldUi1!.map((x, i) => x - ns.oldPlain1![i]!)).toFixed(0)} old2 ${med(ns.oldUi2!.map((x, i) => x - ns.oldPlain2![i]!)).toFixed(0)} new1 ${med(ns.newUi1!.map((x, i) => x - ns.newPlain1![i]!)).toFixed(0)} new2 ${med(ns.newUi2!.map((x, i) => x - ns.newPlain2![i]!)).toFixed(0)}`);
console.log(`plain / --ui CPU: old ${(med(plain('old')) / (med(plain('old')) + med(o))).toFixed(3)}, new ${(med(plain('new')) / (med(plain('new')) + med(n))).toFixed(3)}`);
console.log('GC (main thread) ns a delivery, collections per 1,000:', order.map((k) => `${k} ${((gcMs[k]! * 1e6) / (R * M)).toFixed(0)} ${((gcN[k]! * 1000) / (R * M)).toFixed(2)}`).join(', '));
for (const k of order) if (runs[k]!.page) console.log(k, 'page', JSON.stringify(await runs[k]!.page!.stats()), 'store', JSON.stringify(runs[k]!.inspector.stats()));
for (const k of order) if (runs[k]!.page) { runs[k]!.page!.child.kill(); await runs[k]!.inspector.close(); }
process.exit(0);
