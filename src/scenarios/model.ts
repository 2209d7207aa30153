// The shape of a scenario once its file has been parsed and checked (see parse.ts for the file format).
import type { FieldIssue } from '../core/validate.js';
import type { PreparedRequest } from '../core/request-build.js';
import type { Json } from '../json.js';

/** Where something was written in the scenario file, for errors that point at the line. */
export interface Where {
  line: number;
  col: number;
}

/** What a step's answer must be: a class (2xx), exact statuses, or "cg-hooks refuses the payload before sending". */
export type Expect =
  /** `implicit`: no `expect:` was written, so the provider's own success rule applies (WebEngage: only 200). */
  | { kind: 'class'; classes: number[]; statuses: number[]; implicit?: boolean }
  | { kind: 'refused' };

/** `${step.path}` inside a value: the value is replaced by (or, inside longer text, interpolated with) that field. */
export interface Reference {
  step: string;
  path: string;
  where: Where;
}

/** Which field of a delivery names the user and which one is credited (a leading "-" debits). */
export interface LedgerRule {
  user: string;
  amount: string;
}

export interface LedgerSpec extends LedgerRule {
  /** Only these events credit (default: every step that is not `ledger: false`). */
  events?: string[];
  /** For messages: "points", "coins", "GHS". */
  unit: string;
  /** For the hint: what the receiver should de-duplicate on (default: the provider's documented key). */
  key?: string;
  where: Where;
}

interface StepBase {
  id: string;
  /** Wait before sending, in ms (before --time-scale). */
  delayMs: number;
  expect: Expect;
  where: Where;
  /** Index in the file's `steps` list. */
  index: number;
}

export interface EventStep extends StepBase {
  kind: 'event';
  event: string;
  variant?: string;
  /** Applied in order after `merge`; values may hold references. */
  set: Array<{ path: string; value: unknown; where: Where }>;
  merge?: { value: Record<string, unknown>; where: Where };
  unset: string[];
  /** Distinct deliveries this step makes (a burst); each has its own ids. */
  count: number;
  /** undefined: the scenario's rule applies; null: this step credits nothing (`ledger: false`). */
  ledger?: Partial<LedgerRule> | null;
}

export interface RepeatStep extends StepBase {
  kind: 'repeat';
  /** The id of an earlier event step: its deliveries are sent again, same bytes. */
  repeat: string;
}

export type Step = EventStep | RepeatStep;

export interface Scenario {
  name: string;
  provider: string;
  description?: string;
  steps: Step[];
  ledger?: LedgerSpec;
  /** Where it came from: a built-in name or a file path, for messages. */
  source: string;
  /** The file's text, as written (for `scenario show`). */
  text: string;
}

/** Bounds that keep a run small whatever the file says. */
export const LIMITS = {
  fileBytes: 1024 * 1024,
  steps: 200,
  count: 100,
  /** Sends in one run, duplicates and repeats included (retries not counted). */
  sends: 2000,
  delayMs: 10 * 60_000,
} as const;

export interface Chaos {
  /** Probability that each distinct delivery is sent a second time, same bytes. */
  duplicate: number;
  reorder: boolean;
  /** Extra wait before every send, uniform in [min, max] ms. */
  delay?: { minMs: number; maxMs: number };
  /** Retry non-2xx answers and timeouts on the provider's documented schedule. */
  failRetry: boolean;
}

export const NO_CHAOS: Chaos = { duplicate: 0, reorder: false, failRetry: false };

/** One delivery a plan makes from a step (kept here, beside the steps, so that plan.ts and ledger.ts share it). */
export interface PlannedDelivery {
  /** "first", or "burst#2" for the third delivery of a `count:` step. */
  key: string;
  step: EventStep;
  index: number;
  event: string;
  payload: Json;
  body: Buffer;
  /** Absent when cg-hooks refuses the payload (it is never sent). */
  request?: PreparedRequest;
  /** Schema problems: cg-hooks refuses to send such a payload. */
  issues: FieldIssue[];
  /** What this delivery credits, when the scenario has a ledger. */
  credit?: { user: string; amount: number };
}

export type CopyKind = 'original' | 'duplicate' | 'repeat';
