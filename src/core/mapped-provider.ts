// A tenant mapping where deliveries are checked (listen) and planned (test, the testing kit): which events a
// mapping reshapes, and a provider whose mappable event (CustomerGlu reward) follows the tenant's shape for
// detection, validation and de-duplication. A mapping given where no event takes one is a usage error: silently
// ignoring it would let a receiver "pass" against the default shape the tenant does not use.
import * as z from 'zod/mini';
import { UsageError } from '../errors.js';
import type { EventDef, ProviderDef } from '../providers/types.js';
import { resolveMapping } from './generate.js';
import { mappedDedupKey, validateMapped, type Mapping } from './mapping.js';

/** Where tenant mappings apply, in words for messages. */
export const MAPPABLE = 'CustomerGlu reward webhooks (customerglu reward)';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The mapping, checked against every event of `events` (default: all of the provider's) that takes one: event
 * name → mapping. A usage error when none does, naming where mappings apply.
 */
export function mappingsFor(provider: ProviderDef, spec: Mapping | Record<string, unknown>, events?: readonly string[]): Map<string, Mapping> {
  const mappable = provider.events.filter((e) => e.tenantMapping !== undefined);
  if (mappable.length === 0) {
    throw new UsageError('bad_option', `--mapping: ${provider.name} (${provider.id}) deliveries have a fixed shape; tenant payload mappings apply to ${MAPPABLE} only`, 'drop --mapping, or use it with --provider customerglu');
  }
  const chosen = events === undefined ? mappable : mappable.filter((e) => events.includes(e.name));
  if (chosen.length === 0) {
    const names = mappable.map((e) => e.name).join(', ');
    throw new UsageError('bad_option', `--mapping: it reshapes ${provider.id} ${names}, which --event leaves out`, `add --event ${mappable[0]!.name}, or drop --mapping`);
  }
  return new Map(chosen.map((e) => [e.name, resolveMapping(provider, e, spec)]));
}

/**
 * How well a body fits the mapped shape, for auto-detection: 0.85 when it has every top-level key of the mapping,
 * 0.65 when it has at least half of them (a delivery that lost a key is still recognised, so that validation can
 * say which), 0 when it has fewer or a top-level static value differs (another tenant's, or no tenant's, payload).
 */
function fit(mapping: Mapping, body: unknown): number {
  if (!isObject(body)) return 0;
  const entries = mapping.root.entries;
  let present = 0;
  for (const e of entries) {
    if (!Object.hasOwn(body, e.key)) continue;
    const value = e.node.kind === 'static' ? e.node.value : undefined;
    if (value !== undefined && (typeof value !== 'object' || value === null) && body[e.key] !== value) return 0;
    present++;
  }
  return present === entries.length ? 0.85 : present * 2 >= entries.length ? 0.65 : 0;
}

/** The event's schema replaced by the mapped shape: issues name the mapping key ("reward.id") and what it maps. */
function mappedSchema(mapping: Mapping, event: EventDef): z.ZodMiniType {
  const target = event.tenantMapping!;
  return z.unknown().check(
    z.superRefine((value, ctx) => {
      // The path is already written out ("reward.value.amount"): one segment keeps it as is.
      for (const issue of validateMapped(mapping, value, target)) ctx.addIssue({ code: 'custom', message: issue.message, path: [issue.path], input: value });
    }),
  );
}

/**
 * The provider as a tenant with this mapping sees it: its mappable event is recognised, validated and
 * de-duplicated by the mapped shape (wherever the tenant put `$rewardId`); its other events keep their own.
 */
export function mappedProvider(provider: ProviderDef, spec: Mapping | Record<string, unknown>): ProviderDef {
  const [[name, mapping]] = [...mappingsFor(provider, spec)] as [[string, Mapping]];
  const event = provider.events.find((e) => e.name === name)!;
  const own = provider;
  const mapped: EventDef = { ...event, schema: mappedSchema(mapping, event), description: `${event.description} (mapped by ${mapping.source})` };
  /** Another event's own shape (a nudge, a raw event) wins; any other object is the mapped event. */
  const eventOf = (body: unknown, req: Parameters<ProviderDef['eventOf']>[1]) => {
    const e = own.eventOf(body, req);
    if (e !== undefined && e !== name) return e;
    return isObject(body) ? name : undefined;
  };
  return {
    ...provider,
    events: provider.events.map((e) => (e === event ? mapped : e)),
    eventOf,
    dedupKey(body, req) {
      if (eventOf(body, req) !== name) return own.dedupKey?.(body, req);
      return mappedDedupKey(mapping, body, event.tenantMapping!);
    },
    detect(req, body) {
      const score = own.detect(req, body);
      const e = own.eventOf(body, req);
      if (score >= 0.95 || (e !== undefined && e !== name)) return score; // its signature header, or another of its events
      return Math.max(score, fit(mapping, body));
    },
  };
}

/**
 * The listener's providers with a mapping applied to the one it is for. A usage error when `--provider` fixes
 * a provider that takes no mapping.
 */
export function withMapping(providers: ProviderDef[], spec: Mapping | Record<string, unknown> | undefined, fixedId?: string): ProviderDef[] {
  if (spec === undefined) return providers;
  const fixed = fixedId === undefined ? undefined : providers.find((p) => p.id === fixedId);
  if (fixed) mappingsFor(fixed, spec); // says so when the fixed provider takes no mapping
  const takes = (p: ProviderDef) => p.events.some((e) => e.tenantMapping !== undefined);
  if (!providers.some(takes)) throw new UsageError('bad_option', `--mapping: none of the listener's providers takes a tenant payload mapping; they apply to ${MAPPABLE} only`);
  return providers.map((p) => (takes(p) ? mappedProvider(p, spec) : p));
}
