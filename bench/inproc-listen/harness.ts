// In one process: the listener's synchronous work per delivery (header map, URL, inspectDelivery, the duplicate
// memory, buildReport, the answer's body, the NDJSON line) for OLD's and NEW's sources, in alternating rounds over
// the bench's own deliveries (customerglu reward, signed, distinct). Prints ns per delivery (median of rounds) and
// checks that both make the same line bytes for every delivery.
// Run with bench/inproc-listen/run.sh <new worktree> [old worktree]; env R (rounds), M. Not part of `npm run bench`.
import { createHmac } from 'node:crypto';
import * as oldProviders from 'OLD/src/providers/index.js';
import * as genProviders from 'GEN/src/providers/index.js';
import * as genGenerate from 'GEN/src/core/generate.js';
import * as oldInspect from 'OLD/src/http/inspect.js';
import * as oldReport from 'OLD/src/http/listen-report.js';
import * as oldCapture from 'OLD/src/core/capture.js';
import * as oldDelivery from 'OLD/src/output/delivery.js';
import * as oldExplain from 'OLD/src/http/explain-hook.js';
import * as newProviders from 'NEW/src/providers/index.js';
import * as newInspect from 'NEW/src/http/inspect.js';
import * as newReport from 'NEW/src/http/listen-report.js';
import * as newCapture from 'NEW/src/core/capture.js';
import * as newDelivery from 'NEW/src/output/delivery.js';
import * as newExplain from 'NEW/src/http/explain-hook.js';

const SECRET = 'bench-s3cret';
const M = Number(process.env.M ?? 20000);
const R = Number(process.env.R ?? 9);
// From a third copy of the sources: made with OLD's modules, the payloads' warm code would favour neither side evenly.
const gen = genGenerate.prepareGenerator(await genProviders.loadProvider('customerglu'), 'reward', { seed: 'bench' });
const POOL = (R + 2) * M;
const pool = Array.from({ length: POOL }, (_, i) => {
  const body = Buffer.from(gen.make(i).body);
  return { body, raw: ['Host', '127.0.0.1:40000', 'Connection', 'keep-alive', 'content-type', 'application/json', 'x-cg-signature', createHmac('sha1', SECRET).update(body).digest('hex'), 'content-length', String(body.length)] };
});

async function pipeline(P: any, I: any, Rp: any, C: any, D: any, E: any) {
  const ctx = { providers: await P.loadAllProviders(), fixed: undefined, credentials: { secrets: [SECRET] }, explain: await E.loadExplain() };
  const dedup = new I.DedupTracker();
  const req: any = { method: 'POST', url: '/webhook', socket: { remoteAddress: '127.0.0.1' } };
  let seq = 0;
  return (d: { body: Buffer; raw: string[] }) => {
    const receivedAt = Rp.isoNow();
    const headers = Rp.headerMap(d.raw);
    const { path, query } = Rp.splitUrl(req.url);
    const input = { method: 'POST', path, query: C.lastValues(query), headers, body: d.body, tooLarge: false, size: d.body.length, maxDecoded: 1 << 20 };
    const analysis = I.inspectDelivery(input, ctx);
    const n = ++seq;
    const firstSeq = analysis.signature.ok && analysis.auth.ok ? dedup.claim(analysis.dedupKey, n) : undefined;
    const report = Rp.buildReport(req, n, { receivedAt, path, query, headers, size: d.body.length }, d.body, analysis, firstSeq, false);
    report.durationMs = 0.05;
    Rp.answerBody(report.status, report);
    return D.deliveryJsonParts(report, { body: d.body });
  };
}
const run = {
  old: await pipeline(oldProviders, oldInspect, oldReport, oldCapture, oldDelivery, oldExplain),
  new: await pipeline(newProviders, newInspect, newReport, newCapture, newDelivery, newExplain),
};
// The line's bytes, whatever form the parts take (string, bytes, or an open object's parts).
function bytesOf(line: any): Buffer {
  if (typeof line === 'string') return Buffer.from(line);
  if (line instanceof Uint8Array) return Buffer.from(line);
  if (Array.isArray(line)) return Buffer.concat(line.map(bytesOf));
  if (line && typeof line === 'object' && 'openObject' in line) return bytesOf(line.openObject).subarray(0, -1);
  if (line && typeof line === 'object' && 'parts' in line) return bytesOf(line.parts);
  throw new Error('unknown line form: ' + Object.keys(line));
}
// Same bytes, the first 2,000 deliveries (fresh pipelines so that both see the same sequence from #1).
{
  const a = await pipeline(oldProviders, oldInspect, oldReport, oldCapture, oldDelivery, oldExplain);
  const b = await pipeline(newProviders, newInspect, newReport, newCapture, newDelivery, newExplain);
  for (let i = 0; i < 2000; i++) {
    const x = bytesOf(a(pool[i]!)).toString().replace(/"receivedAt":"[^"]*"/, '');
    const y = bytesOf(b(pool[i]!)).toString().replace(/"receivedAt":"[^"]*"/, '');
    if (x !== y) {
      console.log('DIFFERENT bytes at delivery', i + 1, '\nold', x.slice(0, 1500), '\nnew', y.slice(0, 1500));
      process.exit(1);
    }
  }
  console.log('same line bytes for 2,000 deliveries');
}
const med = (a: number[]) => a.slice().sort((x, y) => x - y)[a.length >> 1]!;
// Wall time and CPU time (the process's, GC threads included) per round; the verdict is the median of each round
// pair's ratio, which a neighbour's load moves less than the ratio of the two medians (wave 14: wall time swung by
// ±30% with a mutation run beside it).
const ns: Record<string, number[]> = { old: [], new: [] };
const cpu: Record<string, number[]> = { old: [], new: [] };
const next = { old: 0, new: 0 };
let sink = 0;
for (let r = 0; r < R + 2; r++) {
  for (const k of (r % 2 ? ['new', 'old'] : ['old', 'new']) as Array<'old' | 'new'>) {
    const f = run[k];
    const c = process.cpuUsage();
    const t = process.hrtime.bigint();
    for (let i = 0; i < M; i++) sink += f(pool[next[k]++ % POOL]!) ? 1 : 0;
    const dc = process.cpuUsage(c);
    if (r >= 2) {
      ns[k].push(Number(process.hrtime.bigint() - t) / M);
      cpu[k].push(((dc.user + dc.system) * 1000) / M);
    }
  }
}
const paired = (m: Record<string, number[]>) => m.old.map((o, i) => o / m.new[i]!);
console.log(`wall: old ${med(ns.old).toFixed(0)} ns, new ${med(ns.new).toFixed(0)} ns a delivery; paired x${med(paired(ns)).toFixed(3)}`);
console.log(`cpu:  old ${med(cpu.old).toFixed(0)} ns, new ${med(cpu.new).toFixed(0)} ns a delivery; paired x${med(paired(cpu)).toFixed(3)} (rounds ${paired(cpu).map((x) => x.toFixed(3)).join(' ')})`);
