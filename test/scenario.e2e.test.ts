// e2e: the built CLI runs scenarios against real receivers on 127.0.0.1 (a small loyalty app with one known
// bug at a time) and against `cg-hooks listen`.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAllBuiltins } from '../src/scenarios/builtin.js';
import { buildPlan } from '../src/scenarios/plan.js';
import { parseChaos } from '../src/scenarios/chaos.js';
import { loadProvider } from '../src/providers/index.js';
import { runCli, type RunResult } from './helpers/cli.js';
import { closedPort } from './helpers/receivers.js';
import { startListen } from './helpers/listener.js';
import { startLedgerReceiver, type LedgerReceiver, type Mode } from './helpers/ledger-receiver.js';

const SECRET = 's3cret-scenarios';
const CREDENTIALS = ['--secret', SECRET, '--api-key', 'cg_write_key_1', '--license-code', '~2024c5d1', '--user', 'acme:pa55'];
const CHAOS = ['--chaos', 'duplicate=1,reorder,fail-retry', '--time-scale', '0.01'];
const tmp = mkdtempSync(join(tmpdir(), 'cg-scenario-'));

const receivers: LedgerReceiver[] = [];
async function receiver(mode: Mode): Promise<LedgerReceiver> {
  const r = await startLedgerReceiver(mode, SECRET);
  receivers.push(r);
  return r;
}
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
});

function run(name: string, r: LedgerReceiver, provider: string, extra: string[] = [], probe = true): Promise<RunResult> {
  return runCli(['scenario', 'run', name, '--to', `${r.url}/${provider}`, ...CREDENTIALS, ...(probe ? ['--probe', r.probe, '--probe-path', 'points'] : []), ...extra], { timeoutMs: 60_000 });
}

// Tests that start several subprocesses get more time than vitest's default: the machine may be shared.
const SEVERAL = 90_000;

const cli = (args: string[], options: Parameters<typeof runCli>[1] = {}) => runCli(args, { timeoutMs: 60_000, ...options });
const json = (r: RunResult) => JSON.parse(r.stdout) as Record<string, any>;

describe('scenario run: an idempotent receiver passes every built-in scenario under chaos', () => {
  const builtins = loadAllBuiltins();

  it('has at least one built-in scenario per provider, and every one that credits declares a ledger', async () => {
    const { PROVIDER_IDS } = await import('../src/providers/index.js');
    for (const id of PROVIDER_IDS) expect(builtins.some((s) => s.provider === id), id).toBe(true);
    for (const name of ['mgpass-points', 'mgpass-cashback', 'mgpass-tier-promotion', 'customerglu-reward-retry', 'rehook-referral', 'reward-trigger-credit']) {
      expect(builtins.find((s) => s.name === name)?.ledger, name).toBeDefined();
    }
  });

  it('passes all of them with --chaos duplicate=1,reorder,fail-retry --time-scale 0.01 (and the ledger adds up)', async () => {
    const r = await receiver('idempotent');
    const results: Array<[string, RunResult]> = [];
    // Three at a time: each run is a subprocess.
    for (let i = 0; i < builtins.length; i += 3) {
      const batch = builtins.slice(i, i + 3);
      results.push(...(await Promise.all(batch.map(async (s) => [s.name, await run(s.name, r, s.provider, [...CHAOS, '--json'], s.ledger !== undefined)] as [string, RunResult]))));
    }
    for (const [name, res] of results) {
      expect(res.stderr, name).toBe('');
      const doc = json(res);
      expect({ name, code: res.code, failed: doc.sends.filter((s: any) => s.verdict !== 'pass') }).toEqual({ name, code: 0, failed: [] });
      // duplicate=1: every sent delivery went twice.
      expect(doc.sends.some((s: any) => s.copy === 'duplicate'), name).toBe(true);
      if (doc.ledger) expect(doc.ledger.ok, name).toBe(true);
    }
    const points = json(results.find(([n]) => n === 'mgpass-points')![1]);
    expect(points.ledger.users).toHaveLength(1);
    expect(points.ledger.users[0]).toMatchObject({ expected: 190, credited: 190, before: 0, after: 190 });
    const cashback = json(results.find(([n]) => n === 'mgpass-cashback')![1]);
    expect(cashback.ledger.users.map((u: any) => u.credited).sort((a: number, b: number) => a - b)[1]).toBe(0); // the refunded user is back where they started
    const referral = json(results.find(([n]) => n === 'rehook-referral')![1]);
    expect(referral.ledger.users).toHaveLength(2); // friend and advocate
    const events = json(results.find(([n]) => n === 'customerglu-events-validation')![1]);
    expect(events.sends.find((s: any) => s.step === 'no-user')).toMatchObject({ state: 'refused', verdict: 'pass' });
  }, 120_000); // eleven subprocesses: seconds on a quiet machine, more on a shared one
});

describe('scenario run: receivers with a known bug fail the right check', () => {
  it('a receiver that credits duplicates fails the ledger with the figures and the step credited twice', async () => {
    const r = await receiver('credits-duplicates');
    const res = await run('mgpass-points', r, 'mgpass', ['--seed', '7']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/ledger: expected \+190 points for usr_\w+, the receiver credited \+340: the repeated delivery of step first \(\+150\) was credited twice \(the receiver got the original and the repeat in step again\); de-duplicate on event_type \+ data\.user_id \+ timestamp/);
    expect(res.stdout).toMatch(/✖ ledger usr_\w+: expected \+190 points, credited \+340 \(0 → 340\)/);
  });

  it('names the retried delivery when a receiver credits and then fails (fail-retry re-sends it)', async () => {
    const r = await receiver('credit-then-crash');
    const res = await run('reward-trigger-credit', r, 'reward', ['--chaos', 'fail-retry', '--time-scale', '0.01', '--json']);
    expect(res.code).toBe(1);
    const doc = json(res);
    expect(doc.sends.find((s: any) => s.step === 'credit').attempts.map((a: any) => a.status)).toEqual([500, 200]);
    // credit: 500 then 200 (credited twice), credit-again: 200 (credited a third time).
    expect(doc.ledger.message).toMatch(/expected \+20 credits for [0-9a-f-]{36}, the receiver credited \+60: step credit \(\+20\) was credited 3 times \(the receiver got the original and a retry, the repeat in step credit-again\)/);
  });

  it('a receiver that answers 409 to duplicates fails the duplicate step (JUnit: one case per step + the ledger)', async () => {
    const r = await receiver('conflict-on-duplicate');
    const junit = join(tmp, 'conflict.xml');
    const res = await run('mgpass-points', r, 'mgpass', ['--junit', junit]);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/again \(repeat of first\)\s+rewards\.points_awarded\s+1\s+409\s+\S+ ms\s+FAIL\s+expected 2xx to a repeat of first \(same bytes\), got 409/);
    expect(res.stderr).toContain('acknowledge a duplicate with 2xx');
    const xml = new XMLParser({ ignoreAttributes: false }).parse(readFileSync(junit, 'utf8'));
    const cases = xml.testsuites.testsuite.testcase as any[];
    expect(cases.map((c) => c['@_name'])).toEqual(['first (rewards.points_awarded)', 'second (rewards.points_awarded)', 'again (repeat of first)', 'ledger (each distinct delivery credited once)']);
    expect(cases.filter((c) => c.failure).map((c) => c['@_name'])).toEqual(['again (repeat of first)']);
  });

  it('an order-sensitive receiver passes in file order and fails under reorder', async () => {
    const provider = await loadProvider('mgpass');
    const scenario = loadAllBuiltins().find((s) => s.name === 'mgpass-cashback')!;
    // A seed whose reordering puts a cashback outcome before its redemption (found in-process, then run by the CLI).
    let seed = 0;
    for (let s = 1; s < 50 && seed === 0; s++) {
      const plan = await buildPlan(scenario, provider, { seed: s, nowMs: Date.now(), chaos: parseChaos(['reorder']), timeScale: 0, sign: (body) => ({ method: 'POST', url: 'http://x/', headers: {}, body, query: {}, signedHeaders: [], notes: [] }) });
      const order = plan.sends.map((x) => x.step.id);
      if (order.indexOf('processed') < order.indexOf('redeemed')) seed = s;
    }
    expect(seed).toBeGreaterThan(0);
    // Two receivers: the same seed makes the same ids, which the first would already know.
    const [r1, r2] = await Promise.all([receiver('order-sensitive'), receiver('order-sensitive')]);
    const inOrder = await run('mgpass-cashback', r1, 'mgpass', ['--seed', String(seed), '--time-scale', '0']);
    expect(inOrder.code).toBe(0);
    const shuffled = await run('mgpass-cashback', r2, 'mgpass', ['--seed', String(seed), '--time-scale', '0', '--chaos', 'reorder', '--json']);
    expect(shuffled.code).toBe(1);
    const failed = json(shuffled).sends.filter((s: any) => s.verdict === 'fail');
    expect(failed.map((s: any) => s.step)).toContain('processed');
    expect(failed[0]).toMatchObject({ status: 422, reason: 'expected 2xx, got 422' });
  }, SEVERAL);

  it('fail-retry follows the provider schedule: a receiver that fails first attempts passes with retries, and fails without', async () => {
    const r = await receiver('flaky');
    const without = await run('mgpass-points', r, 'mgpass', ['--json']);
    expect(without.code).toBe(1);
    const r2 = await receiver('flaky');
    const withRetry = await run('mgpass-points', r2, 'mgpass', ['--chaos', 'fail-retry', '--time-scale', '0.01', '--json']);
    expect(withRetry.code).toBe(0);
    const doc = json(withRetry);
    expect(doc.retry.delaysMs).toEqual([0, 10, 50, 250]); // mgPass 0/1/5/25 s × 0.01
    expect(doc.sends[0].attempts.map((a: any) => [a.status, a.waitedMs])).toEqual([[503, 0], [200, 10]]);
    expect(doc.ledger.ok).toBe(true);
  }, SEVERAL);
});

describe('scenario run against cg-hooks listen', () => {
  let listen: Awaited<ReturnType<typeof startListen>>;
  beforeAll(async () => {
    listen = await startListen(['--port', '0', '--secret', SECRET]);
  });
  afterAll(async () => {
    await listen.stop();
  });

  it('passes with the same secret (listen acknowledges duplicates), and fails with another', async () => {
    for (const name of ['mgpass-points', 'customerglu-reward-retry']) {
      const res = await cli(['scenario', 'run', name, '--to', listen.url, '--secret', SECRET, ...CHAOS]);
      expect({ name, code: res.code, stderr: res.stderr }).toMatchObject({ name, code: 0 });
      expect(res.stderr).toMatch(/seed \d+/);
    }
    const wrong = await cli(['scenario', 'run', 'mgpass-points', '--to', listen.url, '--secret', 'not-the-secret', '--time-scale', '0']);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toMatch(/first\s+rewards\.points_awarded\s+1\s+401\s+\S+ ms\s+FAIL\s+expected 2xx, got 401/);
  }, SEVERAL);
});

describe('scenario run --mapping: a tenant whose reward webhooks follow a payload mapping', () => {
  const FLAT = join(import.meta.dirname, '..', 'fixtures', 'customerglu', 'mappings', 'flat-wallet.json');
  let listen: Awaited<ReturnType<typeof startListen>>;
  beforeAll(async () => {
    listen = await startListen(['--port', '0', '--provider', 'customerglu', '--mapping', FLAT, '--secret', SECRET]);
  });
  afterAll(async () => {
    await listen.stop();
  });

  it('sends every reward in the mapped shape (valid for listen --mapping, retries recognised by the mapped id); other providers refuse it', async () => {
    const res = await cli(['scenario', 'run', 'customerglu-reward-retry', '--to', listen.url, '--secret', SECRET, '--mapping', FLAT, '--seed', '7', ...CHAOS]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain('note: customerglu reward deliveries are sent in the shape of');
    const seen = listen.deliveries();
    expect(seen.length).toBeGreaterThanOrEqual(4);
    for (const d of seen) {
      expect([d.event, d.verdict, d.schema?.status]).toEqual(['reward', 'valid', 'valid']);
      expect(d.body).toMatchObject({ event: 'reward_won', source: 'customerglu' });
      expect(d.body.rewardId).toBeUndefined();
    }
    // The story's repeats and chaos duplicates carry the same mapped id, so the listener flags them.
    expect(seen.filter((d) => d.duplicate).length).toBeGreaterThanOrEqual(2);
    expect(new Set(seen.map((d) => d.body.id)).size).toBe(2);

    const mgpass = await cli(['scenario', 'run', 'mgpass-points', '--to', listen.url, '--secret', SECRET, '--mapping', FLAT]);
    expect(mgpass.code).toBe(2);
    expect(mgpass.stderr).toMatch(/^error: --mapping: this scenario sends mgPass \(mgpass\) deliveries, which have a fixed shape/);
    expect(listen.deliveries().length).toBe(seen.length);
  }, SEVERAL);
});

describe('scenario run: usage, reproducibility, network', () => {
  it('the same --seed and --now send byte-identical bodies in the same order', async () => {
    const a = await receiver('idempotent');
    const b = await receiver('idempotent');
    const args = ['--seed', '42', '--now', '2026-03-01T10:00:00Z', '--chaos', 'duplicate=0.5,reorder,delay=0-20ms', '--time-scale', '0.1'];
    const [ra, rb] = await Promise.all([run('rehook-referral', a, 'rehook', args, false), run('rehook-referral', b, 'rehook', args, false)]);
    expect([ra.code, rb.code]).toEqual([0, 0]);
    expect(a.bodies.length).toBeGreaterThan(5);
    expect(a.bodies).toEqual(b.bodies);
    expect(ra.stderr).toContain('seed 42');
  }, SEVERAL);

  it('a bad scenario file is exit 2 with its line and column, before anything is sent', async () => {
    const r = await receiver('idempotent');
    const file = join(tmp, 'bad.yaml');
    writeFileSync(file, 'name: bad-one\nprovider: mgpass\nsteps:\n  - id: a\n    event: rewards.points_awarded\n  - id: b\n    event: rewards.points_awarded\n    set: { data.user_id: "${c.data.user_id}" }\n');
    const res = await run(file, r, 'mgpass', [], false);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`${file}:8:12: "\${c.data.user_id}": no earlier step "c"`);
    expect(r.requests).toBe(0);
  });

  it('a probe path that finds no number is exit 2 before anything is sent; --probe without a ledger is exit 2', async () => {
    const r = await receiver('idempotent');
    r.balances.set('placeholder', 1);
    const wrongPath = await cli(['scenario', 'run', 'mgpass-points', '--to', `${r.url}/mgpass`, '--secret', SECRET, '--probe', r.probe.replace('{user}', 'placeholder'), '--probe-path', 'balance']);
    expect(wrongPath.code).toBe(2);
    expect(wrongPath.stderr).toContain('no number at balance in the answer');
    expect(r.requests).toBe(0);
    const noLedger = await cli(['scenario', 'run', 'segment-burst', '--to', `${r.url}/segment`, '--probe', r.probe]);
    expect(noLedger.code).toBe(2);
    expect(noLedger.stderr).toContain('declares no ledger');
  }, SEVERAL);

  it('a receiver that is not there is exit 3, and the rest of the run is skipped', async () => {
    const port = await closedPort();
    const res = await cli(['scenario', 'run', 'segment-burst', '--to', `http://127.0.0.1:${port}/x`, '--json']);
    expect(res.code).toBe(3);
    const doc = json(res);
    expect(doc.unreachable.code).toBe('connection_refused');
    expect(doc.sends.filter((s: any) => s.verdict === 'skip')).toHaveLength(doc.sends.length - 1);
  });

  it('list, show and the usual mistakes', async () => {
    const list = await cli(['scenario', 'list', '--provider', 'mgpass', '--json']);
    expect(JSON.parse(list.stdout).map((s: any) => s.name)).toEqual(['mgpass-cashback', 'mgpass-points', 'mgpass-tier-promotion']);
    const show = await cli(['scenario', 'show', 'mgpass-points']);
    expect(show.stdout).toBe(readFileSync(new URL('../src/scenarios/builtin/mgpass-points.yaml', import.meta.url), 'utf8'));
    const typo = await cli(['scenario', 'show', 'mgpass-point']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('did you mean "mgpass-points"');
    const chaos = await cli(['scenario', 'run', 'mgpass-points', '--to', 'http://127.0.0.1:1/x', '--secret', 's', '--chaos', 'duplicat=0.5']);
    expect(chaos.code).toBe(2);
    expect(chaos.stderr).toContain('did you mean "duplicate"');
    const noSecret = await cli(['scenario', 'run', 'mgpass-points', '--to', 'http://127.0.0.1:1/x'], { env: { CG_HOOKS_SECRET: undefined } });
    expect(noSecret.code).toBe(2);
    expect(noSecret.stderr).toContain('--secret');
    // A mistake in --probe-header is named as such (and its value, likely a credential, is not echoed).
    const probeHeader = await cli(['scenario', 'run', 'mgpass-points', '--to', 'http://127.0.0.1:1/x', '--secret', 's', '--probe', 'http://127.0.0.1:1/b/{user}', '--probe-header', 'Authorization=Bearer tok-Zq81']);
    expect(probeHeader.code).toBe(2);
    expect(probeHeader.stderr).toContain('error: --probe-header "Authorization…": expected "Name: value"');
    expect(probeHeader.stderr).not.toContain('Zq81');
  }, SEVERAL);
});

describe('scenario run: a balance endpoint that stops answering', () => {
  // Webhooks are acknowledged; GET /balance answers its first `answered` requests with 0, then never again.
  async function probeThatHangs(answered: number): Promise<{ url: string; posts: () => number; close: () => Promise<void> }> {
    const { createServer } = await import('node:http');
    let gets = 0;
    let posts = 0;
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.method === 'POST') {
          posts++;
          res.end('ok');
        } else if (++gets <= answered) res.end(JSON.stringify({ points: 0 }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    return { url: `http://127.0.0.1:${port}`, posts: () => posts, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
  }

  it('after the run: every delivery is still reported (table, --json, JUnit), the ledger is "not checked", exit 3', async () => {
    const r = await probeThatHangs(1);
    try {
      const junit = join(tmp, 'probe-after.xml');
      const res = await cli(['scenario', 'run', 'mgpass-points', '--to', `${r.url}/webhook`, '--secret', SECRET, '--probe', `${r.url}/balance/{user}`, '--probe-path', 'points', '--timeout', '1s', '--json', '--junit', junit]);
      expect(res.code).toBe(3);
      const doc = json(res);
      expect(doc.sends.map((s: any) => s.status)).toEqual([200, 200, 200]);
      expect(r.posts()).toBe(3);
      expect(doc.ledger).toMatchObject({ ok: false, unchecked: true, users: [] });
      expect(doc.ledger.message).toMatch(/^not checked: --probe \(after the run, for usr_\w+\): .*no response within 1 s/);
      expect(readFileSync(junit, 'utf8')).toContain('<failure message="not checked: --probe (after the run');
    } finally {
      await r.close();
    }
  }, SEVERAL);

  it('before the run: the error names --probe and says nothing was sent (exit 3)', async () => {
    const r = await probeThatHangs(0);
    try {
      const res = await cli(['scenario', 'run', 'mgpass-points', '--to', `${r.url}/webhook`, '--secret', SECRET, '--probe', `${r.url}/balance/{user}`, '--timeout', '1s']);
      expect(res.code).toBe(3);
      expect(res.stderr).toMatch(/error: --probe \(before the run, for usr_\w+\): .*no response within 1 s/);
      expect(res.stderr).toContain('hint: nothing was sent; check that the balance endpoint answers, or raise --timeout');
      expect(r.posts()).toBe(0);
    } finally {
      await r.close();
    }
  }, SEVERAL);

  it('before the run, nothing listening: the hint does not suggest --timeout', async () => {
    const res = await cli(['scenario', 'run', 'mgpass-points', '--to', 'http://127.0.0.1:1/webhook', '--secret', SECRET, '--probe', 'http://127.0.0.1:1/balance/{user}']);
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/error: --probe \(before the run, for usr_\w+\): nothing is listening on 127\.0\.0\.1:1\nhint: nothing was sent; check that the balance endpoint answers\n$/);
  }, SEVERAL);
});
