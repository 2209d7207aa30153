// Unit tests of the scenario core: the file format and its line-precise errors, references, chaos
// decisions (seeded, constrained), and the ledger's explanation of a mismatch.
import { describe, expect, it } from 'vitest';
import { loadAllBuiltins } from '../src/scenarios/builtin.js';
import { parseChaos, reorder, rngFor } from '../src/scenarios/chaos.js';
import { explain, tally } from '../src/scenarios/ledger.js';
import { parseScenario, ScenarioError } from '../src/scenarios/parse.js';
import { buildPlan, type PlanOptions } from '../src/scenarios/plan.js';
import { findReferences, resolveReferences } from '../src/scenarios/refs.js';
import { loadProvider } from '../src/providers/index.js';
import type { PreparedRequest } from '../src/http/request.js';

const HEAD = 'name: t\nprovider: mgpass\nsteps:\n';
const STEP = '  - id: a\n    event: rewards.points_awarded\n';

function errorOf(text: string): string {
  try {
    parseScenario(text, 'f.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return (e as Error).message;
  }
  throw new Error('expected a ScenarioError');
}

const fakeSign = (body: Buffer): PreparedRequest => ({ method: 'POST', url: 'http://127.0.0.1/', headers: {}, body, query: {}, signedHeaders: [], notes: [] });
const options = (over: Partial<PlanOptions> = {}): PlanOptions => ({ seed: 1, nowMs: Date.UTC(2026, 2, 1), chaos: parseChaos([]), timeScale: 1, sign: fakeSign, ...over });

describe('scenario files: line-precise errors', () => {
  it.each([
    [`${HEAD}${STEP}  - id: a\n    event: rewards.points_awarded\n`, 'f.yaml:6:9: id "a" is already used by an earlier step'],
    [`${HEAD}${STEP}    sett: { data.points: 1 }\n`, 'f.yaml:6:5: steps[0]: unknown key "sett" (did you mean "set"?)'],
    [`${HEAD}${STEP}    delay: soon\n`, 'f.yaml:6:12: delay: "soon" is not a duration'],
    [`${HEAD}${STEP}    expect: 2xy\n`, 'f.yaml:6:13: expect: "2xy" is not a status'],
    [`${HEAD}  - id: b\n    repeat: a\n`, 'f.yaml:5:13: repeat: no earlier step "a"'],
    [`${HEAD}${STEP}    set: { data.points: "\${b.data.points}" }\n`, 'f.yaml:6:12: "${b.data.points}": no earlier step "b"'],
    [`${HEAD}${STEP}    set: { data..points: 1 }\n`, 'f.yaml:6:12: set: bad path "data..points": empty segment'],
    ['name: t\nprovider: mgpass\nsteps:\n  - id: a\n    event: [\n', 'f.yaml:6:1: not valid YAML/JSON'],
    ['name: t\nname: u\n', 'f.yaml:2:1: not valid YAML/JSON: this key appears twice in the same mapping'],
    ['{"name": "t", "provider": "mgpass",\n "steps": [{"id": "a", "evnt": "x"}]}', 'f.yaml:2:24: steps[0]: unknown key "evnt" (did you mean "event"?)'],
    [`${HEAD}${STEP}ledger:\n  user: data.user_id\n`, 'f.yaml:7:3: ledger: needs `amount:`'],
    ['provider: mgpass\nsteps: []\n', 'f.yaml:1:1: the scenario needs `name:`'],
  ])('%#', (text, message) => {
    expect(errorOf(text)).toContain(message);
  });

  it('reads the contract example (YAML) and the same scenario as JSON alike', () => {
    const yaml = loadAllBuiltins().find((s) => s.name === 'mgpass-points')!;
    const json = parseScenario(
      JSON.stringify({ name: 'mgpass-points', provider: 'mgpass', steps: [{ id: 'first', event: 'rewards.points_awarded', set: { 'data.points': 150 } }, { id: 'second', event: 'rewards.points_awarded', set: { 'data.user_id': '${first.data.user_id}', 'data.points': 40 } }, { id: 'again', repeat: 'first', delay: '200ms', expect: '2xx' }], ledger: { user: 'data.user_id', amount: 'data.points' } }, null, 2),
      'x.json',
    );
    const strip = (s: typeof json) => s.steps.map(({ where: _w, ...rest }) => ({ ...rest, ...('set' in rest ? { set: rest.set.map(({ where: _x, ...r }) => r) } : {}) }));
    expect(strip(json)).toEqual(strip(yaml));
    expect(json.steps[2]).toMatchObject({ kind: 'repeat', repeat: 'first', delayMs: 200, expect: { kind: 'class', classes: [2] } });
  });

  it('points problems found against the provider at the step', async () => {
    const provider = await loadProvider('mgpass');
    const bad = parseScenario(`${HEAD}  - id: a\n    event: rewards.points_awardd\n`, 'f.yaml');
    await expect(buildPlan(bad, provider, options())).rejects.toThrow(/f\.yaml:4:5: step a: unknown event "rewards\.points_awardd" for mgpass \(did you mean "rewards\.points_awarded"\?\)/);
    const missing = parseScenario(`${HEAD}${STEP}  - id: b\n    event: rewards.points_awarded\n    set: { data.user_id: "\${a.data.nope}" }\n`, 'f.yaml');
    await expect(buildPlan(missing, provider, options())).rejects.toThrow(/f\.yaml:8:12: step b: \$\{a\.data\.nope\}: step a has no field data\.nope/);
    const invalid = parseScenario(`${HEAD}${STEP}    unset: [data.user_id]\n`, 'f.yaml');
    await expect(buildPlan(invalid, provider, options())).rejects.toThrow(/f\.yaml:4:5: step a: the payload does not match its schema: data\.user_id/);
    const ledger = parseScenario(`${HEAD}${STEP}ledger: { user: data.user_id, amount: data.pts }\n`, 'f.yaml');
    await expect(buildPlan(ledger, provider, options())).rejects.toThrow(/step a: the ledger's amount path data\.pts is not a number/);
  });
});

describe('references', () => {
  it('keeps the type of a whole-value reference and interpolates inside text; $${ is literal', () => {
    const bodies: Record<string, unknown> = { a: { data: { user_id: 'usr_1', points: 150, tags: ['x'] } } };
    const lookup = (step: string, path: string) => (path === '' ? bodies[step] : path.split('.').reduce<any>((n, k) => n?.[k], bodies[step]));
    expect(resolveReferences({ p: '${a.data.points}', t: '${a.data.tags}', s: 'user ${a.data.user_id} got ${a.data.points}', l: '$${a.data.points}' }, lookup)).toEqual({ p: 150, t: ['x'], s: 'user usr_1 got 150', l: '${a.data.points}' });
    expect(findReferences({ x: ['${a.b}', 'no', { y: 'pre ${c[0].d} post' }] }).map((r) => [r.step, r.path])).toEqual([['a', 'b'], ['c', '[0].d']]);
  });

  it('one flow shares one user: the second award goes to the first award\'s user', async () => {
    const s = loadAllBuiltins().find((x) => x.name === 'mgpass-points')!;
    const plan = await buildPlan(s, await loadProvider('mgpass'), options());
    const [first, second] = plan.deliveries.map((d) => d.payload as any);
    expect(second.data.user_id).toBe(first.data.user_id);
    expect([first.data.points, second.data.points]).toEqual([150, 40]);
    // Distinct deliveries get distinct timestamps (mgPass's idempotency key includes the timestamp).
    expect(first.timestamp).not.toBe(second.timestamp);
  });
});

describe('chaos', () => {
  it('parses the knobs and refuses the rest with one clear line', () => {
    expect(parseChaos(['duplicate=0.3,reorder', 'delay=0-800ms,fail-retry'])).toEqual({ duplicate: 0.3, reorder: true, delay: { minMs: 0, maxMs: 800 }, failRetry: true });
    expect(parseChaos(['delay=1-2s']).delay).toEqual({ minMs: 1000, maxMs: 2000 });
    expect(() => parseChaos(['duplicate=2'])).toThrow(/probability from 0 to 1/);
    // A decimal or a percentage, nothing else Number() reads as a number.
    expect(parseChaos(['duplicate=30%']).duplicate).toBe(0.3);
    expect(parseChaos(['duplicate=.5']).duplicate).toBe(0.5);
    expect(parseChaos(['duplicate=1.']).duplicate).toBe(1);
    for (const bad of ['0x1', '1e0', '', '-0', '101%', '0.5%%', 'Infinity']) expect(() => parseChaos([`duplicate=${bad}`]), bad).toThrow(/probability from 0 to 1/);
    expect(() => parseChaos(['delay=800-0ms'])).toThrow(/goes down/);
    expect(() => parseChaos(['shuffle'])).toThrow(/unknown knob "shuffle"/);
  });

  it('reorder keeps every copy after its original, differs from the given order, and is the same for the same seed', () => {
    const items = ['a', 'a-dup', 'b', 'c', 'c-dup', 'd'];
    const after = (x: string) => (x.endsWith('-dup') ? x.slice(0, -4) : undefined);
    for (let seed = 0; seed < 200; seed++) {
      const order = reorder(items, after, rngFor(seed, 2));
      expect(order).not.toEqual(items);
      expect([...order].sort()).toEqual([...items].sort());
      for (const x of order) if (after(x)) expect(order.indexOf(after(x)!)).toBeLessThan(order.indexOf(x));
      expect(reorder(items, after, rngFor(seed, 2))).toEqual(order);
    }
    expect(reorder(['a', 'a-dup'], after, rngFor(1, 2))).toEqual(['a', 'a-dup']);
  });

  it('a plan is reproducible from its seed: bodies, order, duplicates and waits', async () => {
    const s = loadAllBuiltins().find((x) => x.name === 'rehook-referral')!;
    const provider = await loadProvider('rehook');
    const o = options({ seed: 99, chaos: parseChaos(['duplicate=0.5,reorder,delay=0-800ms']), timeScale: 0.5 });
    const shape = (p: Awaited<ReturnType<typeof buildPlan>>) => p.sends.map((x) => [x.step.id, x.copy, x.waitMs, x.delivery.body.toString('utf8')]);
    const [p1, p2, p3] = await Promise.all([buildPlan(s, provider, o), buildPlan(s, provider, o), buildPlan(s, provider, { ...o, seed: 100 })]);
    expect(shape(p1)).toEqual(shape(p2));
    expect(shape(p1)).not.toEqual(shape(p3));
    expect(p1.sends.every((x) => x.waitMs <= 400)).toBe(true); // 800 ms jitter × 0.5
  });

  it('fail-retry uses the provider\'s documented schedule, compressed by --time-scale', async () => {
    const s = loadAllBuiltins().find((x) => x.name === 'reward-trigger-credit')!;
    const plan = await buildPlan(s, await loadProvider('reward'), options({ chaos: parseChaos(['fail-retry']), timeScale: 0.01 }));
    expect(plan.schedule).toMatchObject({ attempts: 6, delaysMs: [0, 10, 20, 40, 80, 160] });
    const none = await buildPlan(s, await loadProvider('reward'), options());
    expect(none.schedule.attempts).toBe(1);
  });
});

describe('ledger explanation', () => {
  it('finds which delivery was credited again, with the figures', async () => {
    const s = loadAllBuiltins().find((x) => x.name === 'mgpass-points')!;
    const plan = await buildPlan(s, await loadProvider('mgpass'), options());
    const [first, second] = plan.deliveries;
    const ok = (attempt: number, status = 200) => ({ attempt, startedAt: '', waitedMs: 0, latencyMs: 1, ok: status < 300, response: { status, statusText: '', headers: {}, body: Buffer.alloc(0), bodyBytes: 0, truncated: false } });
    const t = tally(plan.deliveries, [
      { delivery: first!, copy: 'original', stepId: 'first', attempts: [ok(1, 500), ok(2)] },
      { delivery: second!, copy: 'original', stepId: 'second', attempts: [ok(1)] },
      { delivery: first!, copy: 'repeat', stepId: 'again', attempts: [ok(1)] },
    ], (st) => st < 300);
    expect(explain(150, t, 'points')).toBe('step first (+150) was credited twice (the receiver got the original and a retry, the repeat in step again)');
    expect(explain(300, t, 'points')).toBe('step first (+150) was credited 3 times (the receiver got the original and a retry, the repeat in step again)');
    expect(explain(-40, t, 'points')).toBe('step second (+40) was not credited although the receiver acknowledged it');
    expect(explain(7, t, 'points')).toMatch(/no combination of this run's deliveries adds up to \+7 points/);
  });
});
