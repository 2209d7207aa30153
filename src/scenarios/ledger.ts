// The idempotency check: what each distinct delivery should credit, what the receiver's balances say it
// credited, and when they differ, which deliveries explain the difference.
import type { Attempt } from '../http/send.js';
import type { CopyKind, LedgerRule, PlannedDelivery, Scenario } from './model.js';
import { ScenarioError } from './parse.js';
import { getPath } from './refs.js';

/** What each provider documents (or its payload makes natural) as the key a receiver de-duplicates on. */
const DEDUP_KEYS: Record<string, string> = {
  customerglu: 'rewardId (CustomerGlu documents it as the de-duplication key)',
  'customerglu-events': 'event_id',
  segment: 'messageId',
  moengage: 'moe_request_id and each event_uuid',
  clevertap: 'the profile Identity plus the event id in key_values',
  webengage: 'the x-request-id header',
  rehook: 'the redemption id (metadata.reward.redemption_id, metadata.RedemptionId)',
  mgpass: 'event_type + data.user_id + timestamp (mgPass\'s advised idempotency key)',
  reward: 'the event id (we_…)',
};

export function dedupHint(scenario: Scenario): string {
  return scenario.ledger?.key ?? DEDUP_KEYS[scenario.provider] ?? 'the delivery\'s id';
}

/** The rule for one delivery: the step's own `ledger:`, else the scenario's when the event credits. */
function ruleFor(scenario: Scenario, d: PlannedDelivery): LedgerRule | undefined {
  const spec = scenario.ledger;
  if (!spec || d.step.ledger === null) return undefined;
  if (d.step.ledger) return { user: d.step.ledger.user ?? spec.user, amount: d.step.ledger.amount ?? spec.amount };
  if (spec.events && !spec.events.includes(d.event) && !spec.events.includes(d.step.event)) return undefined;
  return spec;
}

/** What a delivery credits, or undefined when it credits nothing. Missing fields are a scenario error. */
export function creditOf(scenario: Scenario, d: PlannedDelivery): { user: string; amount: number } | undefined {
  const rule = ruleFor(scenario, d);
  if (!rule) return undefined;
  const fix = 'give the step its own `ledger: { user: …, amount: … }`, `ledger: false` if it credits nothing, or list the crediting events in ledger.events';
  const user = getPath(d.payload, rule.user);
  if (typeof user !== 'string' && typeof user !== 'number') {
    throw new ScenarioError(scenario.source, d.step.where, `step ${d.step.id}: the ledger's user path ${rule.user} is not a text or number in its ${d.event} body`, fix);
  }
  const negative = rule.amount.startsWith('-');
  const raw = getPath(d.payload, negative ? rule.amount.slice(1) : rule.amount);
  const amount = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof amount !== 'number' || !Number.isFinite(amount)) {
    throw new ScenarioError(scenario.source, d.step.where, `step ${d.step.id}: the ledger's amount path ${rule.amount} is not a number in its ${d.event} body`, fix);
  }
  return { user: String(user), amount: negative ? -amount : amount };
}

/** How one delivery fared over all its copies (original, retries, duplicates, repeats). */
export interface DeliveryTally {
  delivery: PlannedDelivery;
  /** Some copy got a success status. */
  acknowledged: boolean;
  /** Requests that reached the receiver (got any HTTP answer): each one could have been credited. */
  received: number;
  /** What those requests were, for the explanation. */
  copies: Array<{ copy: CopyKind; stepId: string; attempt: number; status: number }>;
}

export interface UserLedger {
  user: string;
  expected: number;
  before?: number;
  after?: number;
  /** after - before, when both were read. */
  credited?: number;
  ok?: boolean;
  explanation?: string;
}

export function tally(deliveries: PlannedDelivery[], sends: Array<{ delivery: PlannedDelivery; copy: CopyKind; stepId: string; attempts: Attempt[] }>, success: (status: number) => boolean): DeliveryTally[] {
  const byDelivery = new Map<PlannedDelivery, DeliveryTally>(deliveries.map((d) => [d, { delivery: d, acknowledged: false, received: 0, copies: [] }]));
  for (const s of sends) {
    const t = byDelivery.get(s.delivery);
    if (!t) continue;
    for (const a of s.attempts) {
      if (!a.response) continue;
      t.received++;
      t.copies.push({ copy: s.copy, stepId: s.stepId, attempt: a.attempt, status: a.response.status });
      if (success(a.response.status)) t.acknowledged = true;
    }
  }
  return [...byDelivery.values()];
}

/** Expected change per user: the amounts of the distinct deliveries the receiver acknowledged, each once. */
export function expectedByUser(tallies: DeliveryTally[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of tallies) {
    const c = t.delivery.credit;
    if (!c) continue;
    out.set(c.user, (out.get(c.user) ?? 0) + (t.acknowledged ? c.amount : 0));
  }
  return out;
}

const signed = (n: number) => (n >= 0 ? `+${fmtNumber(n)}` : `-${fmtNumber(-n)}`);
export function fmtNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 1e6) / 1e6);
}
const times = (n: number) => (n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`);

function describeCopies(t: DeliveryTally): string {
  const retries = t.copies.filter((c) => c.attempt > 1).length;
  const dups = t.copies.filter((c) => c.copy === 'duplicate' && c.attempt === 1).length;
  const repeats = [...new Set(t.copies.filter((c) => c.copy === 'repeat').map((c) => c.stepId))];
  const parts: string[] = [];
  if (retries) parts.push(retries === 1 ? 'a retry' : `${retries} retries`);
  if (dups) parts.push(dups === 1 ? 'a chaos duplicate' : `${dups} chaos duplicates`);
  if (repeats.length) parts.push(`the repeat in step ${repeats.join(', ')}`);
  return parts.join(', ');
}

function kindOf(t: DeliveryTally): string {
  const retried = t.copies.some((c) => c.attempt > 1);
  const dup = t.copies.some((c) => c.copy === 'duplicate');
  const rep = t.copies.some((c) => c.copy === 'repeat');
  return retried && !dup && !rep ? 'the retried delivery of step' : dup && !retried && !rep ? 'the duplicated delivery of step' : rep && !retried && !dup ? 'the repeated delivery of step' : 'step';
}

/**
 * Explains `diff` (credited - expected) with the fewest deliveries credited too often (or not at all). Each
 * delivery may account for k times its amount, between -1 (acknowledged but never credited) and the number of
 * requests beyond the one that should count. Bounded search: a scenario has at most a few hundred deliveries.
 */
export function explain(diff: number, tallies: DeliveryTally[], unit: string): string {
  const items = tallies
    .filter((t) => t.delivery.credit && t.delivery.credit.amount !== 0)
    .map((t) => ({ t, amount: t.delivery.credit!.amount, min: t.acknowledged ? -1 : 0, max: t.acknowledged ? t.received - 1 : t.received }))
    .filter((x) => x.min < 0 || x.max > 0);
  const close = (a: number, b: number) => Math.abs(a - b) < 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
  let best: number[] | undefined;
  let budget = 200_000;
  const ks = new Array<number>(items.length).fill(0);
  const search = (i: number, rest: number, used: number) => {
    if (budget-- <= 0 || (best && used >= best.reduce((n, k) => n + Math.abs(k), 0))) return;
    if (close(rest, 0) && used > 0) {
      best = [...ks];
      return;
    }
    if (i === items.length) return;
    const { amount, min, max } = items[i]!;
    for (let k = 0; k <= max; k++) {
      ks[i] = k;
      search(i + 1, rest - k * amount, used + k);
    }
    if (min < 0) {
      ks[i] = -1;
      search(i + 1, rest + amount, used + 1);
    }
    ks[i] = 0;
  };
  search(0, diff, 0);
  if (!best) return `no combination of this run's deliveries adds up to ${signed(diff)} ${unit}: the receiver credits other amounts, or something else changed the balance during the run`;
  const parts: string[] = [];
  best.forEach((k, i) => {
    if (k === 0) return;
    const { t, amount } = items[i]!;
    const label = `${t.delivery.key} (${signed(amount)})`;
    if (k < 0) parts.push(`step ${label} was not credited although the receiver acknowledged it`);
    else if (!t.acknowledged) parts.push(`step ${label} was credited ${times(k)} although the receiver never acknowledged it (it answered ${[...new Set(t.copies.map((c) => c.status))].join(', ')})`);
    else parts.push(`${kindOf(t)} ${label} was credited ${times(k + 1)} (the receiver got the original and ${describeCopies(t)})`);
  });
  return parts.join('; ');
}

/** The one-line verdict for a user whose balance moved by the wrong amount. */
export function mismatchMessage(u: Required<Pick<UserLedger, 'user' | 'expected' | 'credited'>>, tallies: DeliveryTally[], scenario: Scenario): string {
  const unit = scenario.ledger?.unit ?? 'points';
  const mine = tallies.filter((t) => t.delivery.credit?.user === u.user);
  const why = explain(u.credited - u.expected, mine, unit);
  const over = u.credited > u.expected;
  return `expected ${signed(u.expected)} ${unit} for ${u.user}, the receiver credited ${signed(u.credited)}: ${why}${over ? `; de-duplicate on ${dedupHint(scenario)}` : ''}`;
}
