// The corpus the exported processor draws from: generated deliveries as NDJSON, one a line, each with its ids
// and timestamps marked so that every request can get fresh ones.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import { COUNT_STEP_MS, prepareGenerator, SEEDED_EPOCH_MS, type PreparedGenerator } from '../../core/generate.js';
import { validate } from '../../core/validate.js';
import { findEvent } from '../../providers/index.js';
import type { EventDef, Json, ProviderDef } from '../../providers/types.js';
import { processorRuntime } from './processor-runtime.js';
import { findTokens, type Token } from './tokens.js';

/** A tenant's payload mapping (CustomerGlu lets each tenant define its own webhook schema). */
export type MapPayload = (payload: Json, event: string) => Json;

export interface CorpusEntry {
  event: string;
  /** The clock the delivery was generated for (ms): the processor moves every time by now − clock. */
  clock: number;
  /** Exactly the bytes the generator made (after the mapping, if any), as text. */
  body: string;
  tokens: Token[];
  /** Headers that name an id of the body (WebEngage's x-request-id). */
  headers?: Record<string, string>;
}

export interface CorpusOptions {
  provider: ProviderDef;
  events: string[];
  size: number;
  seed?: string | number;
  /** The generation clock; default now (or the seeded epoch with a seed, so a seed gives the same corpus). */
  now?: number;
  mapPayload?: MapPayload;
}

/**
 * Deliveries round-robin over the events, and within an event over its documented forms (variants), so that
 * any stretch of the corpus mixes them evenly. Fixed forms (a provider's test send) are left out: every copy
 * would be the same.
 */
export function* corpusEntries(o: CorpusOptions): Generator<CorpusEntry> {
  const now = o.now ?? (o.seed === undefined ? Date.now() : SEEDED_EPOCH_MS);
  const byEvent: PreparedGenerator[][] = o.events.map((name) => {
    const event = findEvent(o.provider, name);
    const variants = (event.variants ?? []).filter((v) => !v.fixed).map((v) => v.name);
    return (variants.length > 0 ? variants : [undefined]).map((variant) =>
      prepareGenerator(o.provider, name, {
        now,
        ...(variant !== undefined ? { variant } : {}),
        // One seed per form: the same seed for all would give every form the same names and amounts.
        ...(o.seed !== undefined ? { seed: `${o.seed}:${name}:${variant ?? ''}` } : {}),
      }),
    );
  });
  for (let i = 0; i < o.size; i++) {
    const generators = byEvent[i % byEvent.length]!;
    const k = Math.floor(i / byEvent.length);
    const g = generators[k % generators.length]!;
    const index = Math.floor(k / generators.length);
    const d = g.make(index);
    const clock = now + index * COUNT_STEP_MS; // the clock prepareGenerator gave this delivery
    const payload = o.mapPayload ? o.mapPayload(d.payload, g.event.name) : d.payload;
    const body = o.mapPayload ? JSON.stringify(payload) : d.body.toString('utf8');
    const found = findTokens(body, clock);
    // Tokens are found by shape; the schema has the last word (an enum value is never an id).
    const tokens = o.mapPayload ? found : schemaSafe(g.event, { event: g.event.name, clock, body, tokens: found });
    const entry: CorpusEntry = { event: g.event.name, clock, body, tokens };
    const headers = o.provider.deliveryHeaders?.(payload);
    if (headers && Object.keys(headers).length > 0) entry.headers = headers;
    yield entry;
  }
}

/** Writes the corpus line by line (memory stays flat whatever the size); reports progress every `every` lines. */
export async function writeCorpus(path: string, o: CorpusOptions, onProgress?: (done: number, total: number) => void, every = 500): Promise<{ entries: number; bytes: number }> {
  const out = createWriteStream(path, { flags: 'wx' });
  const failed = once(out, 'error').then(([e]) => Promise.reject(e as Error));
  failed.catch(() => {});
  let entries = 0;
  let bytes = 0;
  try {
    for (const entry of corpusEntries(o)) {
      const line = `${JSON.stringify(entry)}\n`;
      bytes += Buffer.byteLength(line);
      if (!out.write(line)) await Promise.race([once(out, 'drain'), failed]);
      entries++;
      if (onProgress && entries % every === 0) onProgress(entries, o.size);
    }
    out.end();
    await Promise.race([once(out, 'finish'), failed]);
  } catch (e) {
    // Closed before rejecting: the file is opened asynchronously, and the caller removes it at once (file-set.ts);
    // a failure before the open ended would leave the file it then creates behind.
    out.destroy();
    if (!out.closed) await once(out, 'close');
    throw e;
  }
  onProgress?.(entries, o.size);
  return { entries, bytes };
}

/** The processor's own refresh, run here to check tokens: the exact code that will run inside Artillery. */
let refresher: { templateOf(e: CorpusEntry): unknown; refresh(t: unknown, nowMs: number): { text: string } } | undefined;
/** How far a check moves the clock: past month and day boundaries, with milliseconds. */
const PROBE_SHIFT_MS = 38 * 24 * 3600 * 1000 + 12_345;

/** The tokens whose refreshing keeps the delivery valid for its event's schema (normally all of them). */
export function schemaSafe(event: EventDef, entry: CorpusEntry): Token[] {
  if (!refresher) {
    const target: Record<string, unknown> = {};
    const config = { signing: { kind: 'none', credential: 'none' }, secretEnv: 'CG_HOOKS_UNUSED', corpus: '', dupRatio: 0, headers: {}, success: '2xx' };
    processorRuntime(target, createRequire(import.meta.url), '.', {}, config);
    refresher = target.cgHooks as typeof refresher;
  }
  const valid = (tokens: Token[]) => {
    const { text } = refresher!.refresh(refresher!.templateOf({ ...entry, tokens }), entry.clock + PROBE_SHIFT_MS);
    return validate(event.schema, JSON.parse(text)).length === 0;
  };
  if (entry.tokens.length === 0 || valid(entry.tokens)) return entry.tokens;
  return entry.tokens.filter((t) => valid([t]));
}
