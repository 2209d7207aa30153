// A tenant's custom reward payload end to end: `generate --mapping` → `listen --mapping` (the built binary, real
// HTTP on 127.0.0.1, deliveries signed here with node:crypto), and `test --mapping` against a receiver that only
// accepts the tenant's shape. The mapping applies to CustomerGlu reward deliveries and nothing else.
import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { listen } from '../src/index.js';
import { conform } from '../src/testing.js';
import { runCli } from './helpers/cli.js';
import { post, startListen, type ListenProcess } from './helpers/listener.js';
import { startReceiver, type Incoming, type Receiver } from './helpers/receivers.js';

const SECRET = 'cg-tenant-token';
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/customerglu/mappings/${name}`, import.meta.url));
const NESTED = fixture('nested-loyalty.json');
const FLAT = fixture('flat-wallet.json');
const sign = (body: Buffer | string) => ({ 'X-CG-SIGNATURE': createHmac('sha1', SECRET).update(body).digest('hex') });

const running: ListenProcess[] = [];
const receivers: Receiver[] = [];
afterAll(async () => {
  await Promise.all(running.map((l) => l.stop()));
  await Promise.all(receivers.map((r) => r.close()));
});

async function listener(args: string[]): Promise<ListenProcess> {
  const l = await startListen(args);
  running.push(l);
  return l;
}

/** `cg-hooks generate … --mapping` output: one compact body per line. */
async function generated(mapping: string, seed: string, count: number): Promise<Buffer[]> {
  const r = await runCli(['generate', 'customerglu', 'reward', '--mapping', mapping, '--seed', seed, '--count', String(count)]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim().split('\n').map((line) => Buffer.from(line, 'utf8'));
}

describe('generate --mapping → listen --mapping', () => {
  it('every generated delivery is valid against the mapped shape, de-duplicated by the mapped id', async () => {
    const bodies = await generated(NESTED, '21', 6);
    const l = await listener(['--mapping', NESTED, '--secret', SECRET]);
    for (const body of bodies) expect((await post(l.url, body, sign(body))).status).toBe(200);
    const got = await l.waitForDeliveries(6);
    for (const [i, d] of got.entries()) {
      const id = JSON.parse(bodies[i]!.toString('utf8')).reward.id as string;
      expect(d, JSON.stringify(d.problems)).toMatchObject({ provider: 'customerglu', event: 'reward', verdict: 'valid', problems: [], duplicate: null, dedupKey: `customerglu:${id}` });
      expect(d.schema).toEqual({ status: 'valid', issues: [] });
    }
  });

  it('a delivery missing a mapped key is schema-invalid, and the issue names the key and what it maps', async () => {
    const [body] = await generated(NESTED, '22', 1);
    const payload = JSON.parse(body!.toString('utf8'));
    delete payload.reward.id;
    payload.type = 'REWARD_WON';
    const broken = Buffer.from(JSON.stringify(payload), 'utf8');
    const l = await listener(['--mapping', NESTED, '--secret', SECRET]);
    await post(l.url, broken, sign(broken));
    const [d] = await l.waitForDeliveries(1);
    expect(d).toMatchObject({ provider: 'customerglu', event: 'reward', verdict: 'invalid', problems: ['schema'], dedupKey: null });
    expect(d!.schema.issues).toEqual([
      { path: 'type', message: 'expected the static value "REWARD_ISSUED" (from the mapping), got "REWARD_WON"' },
      { path: 'reward.id', message: 'required string is missing (mapped from $rewardId)' },
    ]);
  });

  it('the same id again is a duplicate even when the rest differs: the key is the mapped id, not the bytes', async () => {
    const [body] = await generated(FLAT, '23', 1);
    const again = Buffer.from(JSON.stringify({ ...JSON.parse(body!.toString('utf8')), title: 'Retried with a new title' }), 'utf8');
    const l = await listener(['--mapping', FLAT, '--secret', SECRET]);
    await post(l.url, body!, sign(body!));
    await post(l.url, again, sign(again));
    const [first, second] = await l.waitForDeliveries(2);
    expect(first!.duplicate).toBeNull();
    expect(second!.duplicate).toMatchObject({ firstSeq: first!.seq });
    expect(second!.dedupKey).toBe(`customerglu:${JSON.parse(body!.toString('utf8')).id}`);
  });

  it('unsigned, in auto mode: recognised as CustomerGlu by the mapped shape; a nudge keeps its own schema', async () => {
    const [body] = await generated(FLAT, '24', 1);
    const nudge = await runCli(['generate', 'customerglu', 'nudge', '--seed', '24']);
    const l = await listener(['--mapping', FLAT]);
    await post(l.url, body!);
    await post(l.url, nudge.stdout.trim());
    const [mapped, own] = await l.waitForDeliveries(2);
    expect(mapped).toMatchObject({ provider: 'customerglu', event: 'reward', verdict: 'valid' });
    expect(own).toMatchObject({ provider: 'customerglu', event: 'nudge', verdict: 'valid' });
  });

  it('without --mapping the same signed delivery is not a reward the listener knows', async () => {
    const [body] = await generated(FLAT, '25', 1);
    const l = await listener(['--secret', SECRET]);
    await post(l.url, body!, sign(body!));
    const [d] = await l.waitForDeliveries(1);
    expect(d).toMatchObject({ provider: 'customerglu', event: null, verdict: 'invalid', problems: ['unknown event'] });
  });

  it('a mapping for a provider that takes none, or a bad mapping file, is one error line and exit 2', async () => {
    const r = await runCli(['listen', '--provider', 'mgpass', '--mapping', FLAT, '--timeout', '5s']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --mapping: mgPass \(mgpass\) deliveries have a fixed shape; tenant payload mappings apply to CustomerGlu reward webhooks \(customerglu reward\) only\nhint: /);
    const bad = join(mkdtempSync(join(tmpdir(), 'cg-map-')), 'bad.json');
    writeFileSync(bad, '{\n  "id": "$rewardID"\n}\n');
    const b = await runCli(['listen', '--mapping', bad, '--timeout', '5s']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/line 2, column 9 \(key "id"\): "\$rewardID" names no default key \(did you mean "\$rewardId"\?\)/);
  });

  it('the library: listen({ mapping }) with the mapping as an object', async () => {
    const mapping = { id: '$rewardId', user: '$userId', campaign: '$campaignId', title: '$rewardName', source: 'customerglu' };
    const reports: Array<Record<string, any>> = [];
    const l = await listen({ mapping, secrets: [SECRET], explain: null }, { onDelivery: (r) => reports.push(r) });
    try {
      const body = Buffer.from(JSON.stringify({ id: 'rwd-1', user: 'u1', campaign: 'c1', source: 'customerglu' }));
      await post(l.url, body, sign(body));
    } finally {
      await l.close();
    }
    expect(reports[0]).toMatchObject({ event: 'reward', verdict: 'invalid', dedupKey: 'customerglu:rwd-1' });
    expect(reports[0]!.schema.issues).toEqual([{ path: 'title', message: 'required string is missing (mapped from $rewardName)' }]);
  });
});

/** A tenant's receiver: verifies the raw bytes, and accepts rewards only in its own (flat-wallet) shape. */
function tenantReceiver(req: Incoming): number {
  if (req.headers['x-cg-signature'] !== createHmac('sha1', SECRET).update(req.body).digest('hex')) return 401;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(req.body.toString('utf8'));
  } catch {
    return 400;
  }
  if (body.webhookType === 'nudge' || 'event_name' in body) return 200; // its other webhooks keep CustomerGlu's shape
  const ok = body.event === 'reward_won' && body.source === 'customerglu' && ['id', 'user', 'campaign', 'title'].every((k) => typeof body[k] === 'string');
  return ok ? 200 : 422;
}

describe('test --mapping', () => {
  it("passes a receiver that requires the tenant's shape, which fails without --mapping", async () => {
    const r = await startReceiver(tenantReceiver);
    receivers.push(r);
    const args = ['test', r.url, '--provider', 'customerglu', '--secret', SECRET, '--seed', '5', '--json'];
    const mapped = await runCli([...args, '--mapping', FLAT]);
    const report = JSON.parse(mapped.stdout);
    expect(mapped.code, JSON.stringify(report.cases.filter((c: { verdict: string }) => c.verdict !== 'pass'))).toBe(0);
    expect(report.cases.find((c: { name: string }) => c.name === 'valid:reward').description).toContain("in the tenant's shape");

    const plain = await runCli(args);
    expect(plain.code).toBe(1);
    expect(JSON.parse(plain.stdout).cases.find((c: { name: string }) => c.name === 'valid:reward')).toMatchObject({ verdict: 'fail', status: 422 });
  });

  it('the testing kit: conform(handler, { mapping }) sends the same shape', async () => {
    const handler = async (request: Request) => {
      const body = Buffer.from(await request.arrayBuffer());
      return new Response(null, { status: tenantReceiver({ url: new URL(request.url), headers: Object.fromEntries(request.headers), body }) });
    };
    const mapping = { event: 'reward_won', source: 'customerglu', id: '$rewardId', user: '$userId', campaign: '$campaignId', title: '$rewardName' };
    expect((await conform(handler, { provider: 'customerglu', secret: SECRET, mapping, events: ['reward'] })).ok).toBe(true);
    expect((await conform(handler, { provider: 'customerglu', secret: SECRET, events: ['reward'] })).ok).toBe(false);
  });

  it('a mapping for a provider that takes none is a usage error', async () => {
    const r = await runCli(['test', 'http://127.0.0.1:9/', '--provider', 'mgpass', '--secret', SECRET, '--mapping', FLAT]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('tenant payload mappings apply to CustomerGlu reward webhooks (customerglu reward) only');
  });
});
