// Turns a scenario into the exact sends of one run: every body built (in file order, so references and
// timestamps tell the story as written), every request signed, then the chaos knobs applied to the order.
// Everything here is decided before the first byte is sent, so a bad scenario costs nothing on the wire.
import { InvalidPayloadError, prepareGenerator } from '../core/generate.js';
import { applyMapping, validateMapped, type Mapping } from '../core/mapping.js';
import type { FieldIssue } from '../core/validate.js';
import type { PreparedRequest } from '../http/request.js';
import { retrySchedule, type RetrySchedule } from '../http/retry.js';
import { findEvent, findVariant } from '../providers/index.js';
import type { Json, ProviderDef } from '../providers/types.js';
import { CliError } from '../output/errors.js';
import { reorder, rngFor, STREAM, uniform } from './chaos.js';
import { creditOf } from './ledger.js';
import type { Chaos, CopyKind, EventStep, Expect, PlannedDelivery, Scenario, Step } from './model.js';
import { ScenarioError } from './parse.js';
import { getPath, ReferenceError, resolveReferences } from './refs.js';

export type { CopyKind, PlannedDelivery } from './model.js';

export interface PlannedSend {
  /** 1-based position in the run. */
  seq: number;
  /** The step the send belongs to (the repeat step for a repeat). */
  step: Step;
  delivery: PlannedDelivery;
  copy: CopyKind;
  /** Wait before sending, ms, already scaled by --time-scale. */
  waitMs: number;
  expect: Expect;
}

export interface PlanOptions {
  seed: number;
  /** The clock of the story's last delivery (ms); earlier deliveries are a second apart before it. */
  nowMs: number;
  chaos: Chaos;
  timeScale: number;
  /** Builds the signed request for a body (the command resolves the credentials flags). */
  sign(body: Buffer, event: string): PreparedRequest;
  /**
   * Tenant mappings by event (`--mapping`, from `mappingsFor`): those events are sent in the tenant's shape. The
   * story (set:, merge:, references, the ledger) stays in the provider's own shape, as the file is written.
   */
  mappings?: ReadonlyMap<string, Mapping>;
}

export interface Plan {
  scenario: Scenario;
  provider: ProviderDef;
  seed: number;
  chaos: Chaos;
  timeScale: number;
  deliveries: PlannedDelivery[];
  sends: PlannedSend[];
  /** What one send does: the provider's schedule (scaled) under fail-retry, else a single attempt. */
  schedule: RetrySchedule;
  notes: string[];
}

/** Re-points a usage error raised for a step (unknown event, bad --set value) at the step's line. */
function atStep(scenario: Scenario, step: Step, e: unknown, where = step.where): never {
  if (e instanceof ScenarioError) throw e;
  if (e instanceof ReferenceError) throw new ScenarioError(scenario.source, where, `step ${step.id}: ${e.message}`);
  if (e instanceof CliError) throw new ScenarioError(scenario.source, where, `step ${step.id}: ${e.message}`, e.hint);
  throw e;
}

function checkProvider(scenario: Scenario, provider: ProviderDef): void {
  for (const step of scenario.steps) {
    if (step.kind !== 'event') continue;
    try {
      const event = findEvent(provider, step.event);
      findVariant(provider, event, step.variant);
    } catch (e) {
      atStep(scenario, step, e);
    }
  }
  for (const name of scenario.ledger?.events ?? []) {
    try {
      findEvent(provider, name);
    } catch (e) {
      throw new ScenarioError(scenario.source, scenario.ledger!.where, `ledger.events: ${(e as Error).message}`);
    }
  }
}

function buildDeliveries(scenario: Scenario, provider: ProviderDef, o: PlanOptions): PlannedDelivery[] {
  const byStep = new Map<string, PlannedDelivery[]>();
  const total = scenario.steps.reduce((n, s) => n + (s.kind === 'event' ? s.count : 0), 0);
  const start = o.nowMs - (total - 1) * 1000;
  const out: PlannedDelivery[] = [];
  const lookup = (id: string, path: string) => getPath(byStep.get(id)?.[0]?.payload, path);
  for (const step of scenario.steps) {
    if (step.kind !== 'event') continue;
    const refused = step.expect.kind === 'refused';
    const list: PlannedDelivery[] = [];
    try {
      const set = step.set.map((s) => {
        try {
          return { path: s.path, value: resolveReferences(s.value, lookup) };
        } catch (e) {
          return atStep(scenario, step, e, s.where);
        }
      });
      let data: Record<string, unknown> | undefined;
      try {
        data = step.merge ? (resolveReferences(step.merge.value, lookup) as Record<string, unknown>) : undefined;
      } catch (e) {
        atStep(scenario, step, e, step.merge!.where);
      }
      const gen = prepareGenerator(provider, step.event, {
        seed: `${o.seed}:${step.id}`,
        now: start + out.length * 1000,
        set,
        unset: step.unset,
        ...(data ? { data } : {}),
        ...(step.variant ? { variant: step.variant } : {}),
        validate: !refused,
      });
      const mapping = o.mappings?.get(gen.event.name);
      for (let i = 0; i < step.count; i++) {
        const made = gen.make(i);
        let { body, issues } = made;
        if (mapping) {
          const shaped = applyMapping(mapping, made.payload as Record<string, unknown>);
          body = Buffer.from(JSON.stringify(shaped), 'utf8');
          if (!refused && issues.length === 0) issues = validateMapped(mapping, shaped, gen.event.tenantMapping!);
          if (!refused && issues.length > 0) throw new InvalidPayloadError(issues, `${provider.id} ${gen.event.name} mapped by ${mapping.source}`);
        }
        list.push({ key: step.count > 1 ? `${step.id}#${i + 1}` : step.id, step, index: i, event: gen.event.name, payload: made.payload, body, issues });
      }
    } catch (e) {
      if (e instanceof InvalidPayloadError) {
        throw new ScenarioError(scenario.source, step.where, `step ${step.id}: ${e.message.replace(/^[^:]*: /, 'the payload does not match its schema: ')}`, 'fix set:/unset:, or add `expect: refused` if cg-hooks should refuse this payload');
      }
      atStep(scenario, step, e);
    }
    for (const d of list) {
      // Outside the step's try: a missing --secret is the command line's problem, not the file's.
      if (!refused) d.request = o.sign(d.body, d.event);
      const credit = creditOf(scenario, d);
      if (credit) d.credit = credit;
      out.push(d);
    }
    byStep.set(step.id, list);
  }
  return out;
}

export async function buildPlan(scenario: Scenario, provider: ProviderDef, o: PlanOptions): Promise<Plan> {
  checkProvider(scenario, provider);
  const deliveries = buildDeliveries(scenario, provider, o);
  const notes: string[] = [];
  const ofStep = (id: string) => deliveries.filter((d) => d.step.id === id);

  // File order first: each delivery, its chaos duplicate right after it, repeats where the file puts them.
  const dupRng = rngFor(o.seed, STREAM.duplicate);
  type Unit = Omit<PlannedSend, 'seq' | 'waitMs'> & { delayMs: number; original?: Unit };
  const units: Unit[] = [];
  const originals = new Map<PlannedDelivery, Unit>();
  for (const step of scenario.steps) {
    if (step.kind === 'event') {
      for (const d of ofStep(step.id)) {
        const unit: Unit = { step, delivery: d, copy: 'original', expect: step.expect, delayMs: step.delayMs };
        units.push(unit);
        originals.set(d, unit);
        // A refused payload is never sent, so it has nothing to duplicate; draw anyway to keep the stream stable.
        const dup = o.chaos.duplicate > 0 && uniform(dupRng) < o.chaos.duplicate;
        if (dup && d.request) units.push({ step, delivery: d, copy: 'duplicate', expect: step.expect, delayMs: 0, original: unit });
      }
    } else {
      for (const d of ofStep(step.repeat)) {
        if (!d.request) continue;
        units.push({ step, delivery: d, copy: 'repeat', expect: step.expect, delayMs: step.delayMs, original: originals.get(d)! });
      }
    }
  }
  if (units.length === 0) notes.push('nothing is sent: every step is refused locally');
  let order = units;
  if (o.chaos.reorder) {
    order = reorder(units, (u) => u.original, rngFor(o.seed, STREAM.reorder));
    if (order.every((u, i) => u === units[i])) notes.push('reorder: the steps allow no other order');
  }
  const jitter = rngFor(o.seed, STREAM.delay);
  const sends: PlannedSend[] = order.map((u, i) => {
    const extra = o.chaos.delay ? o.chaos.delay.minMs + uniform(jitter) * (o.chaos.delay.maxMs - o.chaos.delay.minMs) : 0;
    const { original: _o, delayMs, ...rest } = u;
    return { ...rest, seq: i + 1, waitMs: Math.round((delayMs + extra) * o.timeScale) };
  });

  const policy = provider.retry;
  let schedule: RetrySchedule = { ...retrySchedule(policy, { noRetry: true }), source: 'none' };
  if (o.chaos.failRetry) {
    schedule = retrySchedule(policy);
    schedule = { ...schedule, delaysMs: schedule.delaysMs.map((ms) => Math.round(ms * o.timeScale)) };
    if (policy.attempts <= 1) notes.push(`fail-retry: ${provider.name} documents no retry schedule, so a failed delivery is not retried`);
  }
  return { scenario, provider, seed: o.seed, chaos: o.chaos, timeScale: o.timeScale, deliveries, sends, schedule, notes };
}
