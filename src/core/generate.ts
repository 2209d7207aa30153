import { findEvent, findVariant, loadProvider } from '../providers/index.js';
import type { BodyCompiler, EventDef, Json, ProviderDef } from '../providers/types.js';
import { TemplateContext } from '../templates/context.js';
import { mixSeed, randomSeed } from '../templates/random.js';
import { asciiPayload } from '../templates/text.js';
import type { CompiledTemplate } from '../templates/compiled.js';
import { UsageError } from '../errors.js';
import { deepMerge, MAX_DEPTH, setPath, unsetPath } from './paths.js';
import { validate, validateOften, type FieldIssue } from './validate.js';
import { applyMapping, checkMapping, compileMapping, Mapping, MappingError, validateMapped } from './mapping.js';

/** With `--seed` and no `--now`, the clock is pinned here so the same seed gives the same bytes on any day. */
export const SEEDED_EPOCH_MS = Date.UTC(2026, 0, 1, 0, 0, 0);
/** Deliveries of one `--count` run are this far apart on the clock. */
export const COUNT_STEP_MS = 1000;

export interface GenerateOptions {
  variant?: string;
  /** Same seed → byte-identical output. Omitted: a random seed. */
  seed?: number | string;
  /** The delivery clock, ms since the epoch. Default: now, or SEEDED_EPOCH_MS with a seed. */
  now?: number;
  /** `--set path=value` pairs, applied in order after `data`. */
  set?: Array<{ path: string; value: unknown }>;
  /** `--unset path`, applied last. */
  unset?: string[];
  /** Deep-merged into the template's payload first. */
  data?: Record<string, unknown>;
  /** Default true: a payload that fails its schema is an error. */
  validate?: boolean;
  pretty?: boolean;
  /**
   * Only ASCII in the generated text (default false: names, reward names, nudge copy, products and cities carry
   * accents, ₹/€/£, emoji and other scripts as real tenants' data does). Values given with `data`/`set`/`mapping`
   * are sent as given.
   */
  ascii?: boolean;
  /**
   * A tenant payload mapping (CustomerGlu reward): a loaded file (`parseMapping`) or the mapping as an object,
   * `{ "id": "$rewardId", "amount": "$rewardAmount", "source": "customerglu" }`. Applied to the default payload
   * before `data`/`set`/`unset` (which then address the mapped keys); the result is checked against the mapped shape.
   */
  mapping?: Mapping | Record<string, unknown>;
}

export interface Delivery {
  provider: string;
  event: string;
  variant?: string;
  payload: Json;
  /** Exactly the bytes to send and sign: compact JSON unless `pretty`. */
  body: Buffer;
  /** Schema problems (only when validation is off; with it on they throw). */
  issues: FieldIssue[];
}

/** Exit 2: the payload the user's flags produced is bad input (`--no-validate` lets it through on purpose). */
export class InvalidPayloadError extends UsageError {
  constructor(
    readonly issues: FieldIssue[],
    label: string,
  ) {
    super('invalid_payload', `${label} does not match its schema: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, 'fix the --set/--data values, or pass --no-validate to send a broken payload on purpose');
  }
}

/** Makes delivery number `index` (0-based) of a run; every index has its own ids. */
export type DeliveryFactory = (index: number) => Delivery;

/** A delivery's body as text (the same characters `make` encodes), for writers that batch many into one buffer. */
export interface DeliveryText {
  payload: Json;
  text: string;
  issues: FieldIssue[];
}

/**
 * After this many deliveries from one generator the schema check switches to zod's compiled form: the same verdicts
 * and issues (validateOften), ten times cheaper each, for a few milliseconds of compiling that one payload would
 * not repay.
 */
const COMPILE_AFTER = 64;

/**
 * A compiled template's bytes are compared with the interpreted path's (built, validated, stringified) for its first
 * CROSS_CHECKS deliveries and every SPOT_CHECK-th after: a difference drops the compiled form for the rest of the run.
 * Its deliveries are not validated one by one: they are valid because they equal the interpreted path's, which
 * test/generate-compiled.test.ts proves over seeds, indices, variants and --ascii (and validates).
 */
const CROSS_CHECKS = 64;
const SPOT_CHECK = 1024;

export interface PreparedGenerator {
  provider: ProviderDef;
  event: EventDef;
  variant?: string;
  /** The tenant mapping the deliveries follow, when one was given. */
  mapping?: Mapping;
  make: DeliveryFactory;
  /**
   * `generate --count`: writes delivery `index`'s body (the bytes `make` would give) into `out` from `at` with the
   * event's compiled template, where it has one and nothing else reshapes the payload, and returns where it ends.
   * -1: not written, use makeText; -2: less room after `at` than one body (and a newline) may need: flush, call again.
   */
  writeBody(index: number, out: Buffer, at: number): number;
  /** `make` without the final Buffer: the body as text (`generate --count` writes thousands per buffer). */
  makeText(index: number): DeliveryText;
  /** The run's seed (mixed) and clock: another generator given them (`prepareGenerator`'s `base`) makes the same deliveries. */
  base: RunBase;
}

/** What makes a run's deliveries the same in every thread: its mixed seed and its clock (ms), resolved once. */
export interface RunBase {
  seed: number;
  now: number;
}

/** The mapping, loaded and checked against the event; a usage error (exit 2) when it does not fit. */
export function resolveMapping(provider: ProviderDef, event: EventDef, spec: Mapping | Record<string, unknown>): Mapping {
  const target = event.tenantMapping;
  if (target === undefined) {
    throw new UsageError('bad_option', `--mapping: ${provider.id} ${event.name} has a fixed payload shape; tenant mappings apply to customerglu reward`, 'drop --mapping, or use it with `customerglu reward`');
  }
  try {
    const mapping = compileMapping(spec);
    checkMapping(mapping, target);
    return mapping;
  } catch (e) {
    // A loaded file came from --mapping (the library passes objects, whose errors name the key instead).
    if (e instanceof MappingError) throw new UsageError('bad_mapping', `${spec instanceof Mapping ? '--mapping ' : ''}${e.message}`, e.hint);
    throw e;
  }
}

/**
 * The provider's compiled templates when a run of `count` deliveries with these options can use them (writeBody
 * turns to them after COMPILE_AFTER, and only for the template's own payload), else undefined: a short run, or one
 * whose payloads are reshaped, does not load their pack.
 */
export async function bodyCompilerFor(provider: ProviderDef, count: number, options: GenerateOptions = {}): Promise<BodyCompiler | undefined> {
  return count > COMPILE_AFTER && ownPayload(options) ? provider.loadBodyCompiler?.() : undefined;
}

/** Whether the deliveries are the template's payload as it is (what a compiled form writes): nothing reshapes them. */
function ownPayload(options: GenerateOptions): boolean {
  return !options.mapping && !options.data && !options.set?.length && !options.unset?.length && !options.pretty;
}

/**
 * `base`: the seed and clock of a run begun elsewhere (`generate --count` on worker threads), instead of `options`'.
 * `compiler`: the provider's compiled templates (bodyCompilerFor), which writeBody uses where they apply.
 */
export function prepareGenerator(provider: ProviderDef, eventName: string, options: GenerateOptions = {}, base?: RunBase, compiler?: BodyCompiler): PreparedGenerator {
  const event = findEvent(provider, eventName);
  const variant = findVariant(provider, event, options.variant);
  const baseSeed = base?.seed ?? (options.seed === undefined ? randomSeed() : mixSeed(options.seed));
  const baseNow = base?.now ?? options.now ?? (options.seed === undefined ? Date.now() : SEEDED_EPOCH_MS);
  const check = options.validate !== false;
  const ascii = options.ascii === true;
  const mapping = options.mapping === undefined ? undefined : resolveMapping(provider, event, options.mapping);
  const label = `${provider.id} ${event.name}${variant ? ` (${variant})` : ''}${mapping ? ` mapped by ${mapping.source}` : ''}`;
  if (options.data) checkValue(options.data, '--data');
  for (const { path, value } of options.set ?? []) checkValue(value, `--set ${path}`);

  let made = 0;
  const contextOptions = { ascii };
  const makeText = (index: number): DeliveryText => {
    const ctx = new TemplateContext(baseSeed, baseNow + index * COUNT_STEP_MS, index, contextOptions);
    let payload: Record<string, unknown> = provider.template(event.name, ctx, variant);
    if (ascii) payload = asciiPayload(payload);
    if (mapping) payload = applyMapping(mapping, payload);
    if (options.data) payload = deepMerge(payload, structuredClone(options.data));
    for (const { path, value } of options.set ?? []) setPath(payload, path, structuredCloneIfObject(value));
    for (const path of options.unset ?? []) unsetPath(payload, path);
    const issues = mapping ? validateMapped(mapping, payload, event.tenantMapping!) : ++made > COMPILE_AFTER ? validateOften(event.schema, payload) : validate(event.schema, payload);
    if (issues.length > 0 && check) throw new InvalidPayloadError(issues, label);
    const text = options.pretty ? JSON.stringify(payload, null, 2) : JSON.stringify(payload);
    return { payload: payload as Json, text, issues };
  };
  // The compiled template (null: none, or it differed once), compiled when the interpreted path has made
  // COMPILE_AFTER deliveries so that a short run does not pay for it. Only for the template's own payload.
  let compiled: CompiledTemplate | null | undefined = compiler && ownPayload(options) ? undefined : null;
  let crossChecked = 0;
  // The cross-check's oracle; undefined where the interpreted path throws (its schema refuses the payload): the
  // compiled bytes then differ, and the caller's makeText throws the same error, with the deliveries before it kept.
  const interpretedText = (index: number): string | undefined => {
    try {
      return makeText(index).text;
    } catch {
      return undefined;
    }
  };
  const writeBody = (index: number, out: Buffer, at: number): number => {
    if (compiled === undefined && made >= COMPILE_AFTER) compiled = compiler!(event, variant, ascii) ?? null;
    if (!compiled) return -1;
    if (out.length - at <= compiled.maxBytes) return -2; // and one byte more, for the caller's newline
    const end = compiled.write(new TemplateContext(baseSeed, baseNow + index * COUNT_STEP_MS, index, contextOptions), out, at);
    if (end < 0) return -1;
    if (crossChecked < CROSS_CHECKS || index % SPOT_CHECK === 0) {
      crossChecked++;
      if (out.toString('utf8', at, end) !== interpretedText(index)) {
        compiled = null;
        return -1;
      }
    }
    return end;
  };
  const make: DeliveryFactory = (index) => {
    const { payload, text, issues } = makeText(index);
    return { provider: provider.id, event: event.name, variant, payload, body: Buffer.from(text, 'utf8'), issues };
  };
  return { provider, event, variant, ...(mapping ? { mapping } : {}), make, makeText, writeBody, base: { seed: baseSeed, now: baseNow } };
}

/**
 * What JSON.stringify cannot write faithfully is bad input, not a crash: values nested past MAX_DEPTH
 * (stack overflow), numbers beyond a double (1e400 would become null) and BigInts (a TypeError).
 */
function checkValue(root: unknown, what: string): void {
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new UsageError('bad_value', `${what}: a number is too large for JSON (it would be sent as null)`, 'quote it to send it as text, e.g. --set \'amount="1e400"\'');
    }
    if (typeof value === 'bigint') throw new UsageError('bad_value', `${what}: a BigInt cannot be written as JSON`, 'pass it as a number or a string');
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_DEPTH) {
      throw new UsageError('too_deep', `${what}: the value is nested more than ${MAX_DEPTH} levels deep`, 'to send arbitrary bytes, write them to a file and use --body');
    }
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
}

function structuredCloneIfObject(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? structuredClone(value) : value;
}

/** Library API: one realistic delivery and its exact body bytes. */
export async function generate(providerId: string, eventName: string, options: GenerateOptions = {}): Promise<Delivery> {
  const provider = await loadProvider(providerId);
  return prepareGenerator(provider, eventName, options).make(0);
}
