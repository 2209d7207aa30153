import * as z from 'zod/mini';
import type { EventDef, ProviderDef } from '../providers/types.js';
import { typeName } from './names.js';
import { REFINEMENT_KEY, type JsonSchema, type RefinementInJsonSchema } from './refinement.js';

export type { JsonSchema } from './refinement.js';

export const DIALECT = 'https://json-schema.org/draft/2020-12/schema';

export interface Conversion {
  /** The JSON Schema (2020-12) of what the zod schema accepts, without `$schema`. */
  schema: JsonSchema;
  /** Refinements JSON Schema cannot state: written into descriptions, so the schema accepts a little more than zod. */
  unstated: Array<{ at: string; words: string }>;
  /** Refinements nobody described: the schema accepts more than zod there. The tests keep this empty. */
  undescribed: string[];
}

interface Check {
  _zod: { def: { check: string } };
}

function customChecks(schema: z.core.$ZodType): number {
  const checks = (schema._zod.def as { checks?: Check[] }).checks ?? [];
  return checks.filter((c) => c._zod.def.check === 'custom').length;
}

/** Adds hand-written keywords to a node, nesting them in allOf where the node already uses the same keyword. */
function addKeywords(node: JsonSchema, extra: JsonSchema): void {
  const clash = Object.keys(extra).some((k) => k in node);
  if (!clash) Object.assign(node, structuredClone(extra));
  else node.allOf = [...((node.allOf as JsonSchema[] | undefined) ?? []), structuredClone(extra)];
}

const pointer = (path: Array<string | number>) => `#/${path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;

/**
 * zod's own converter, for what a receiver is sent (the input side: z.object allows unknown keys, as `listen`
 * does), plus the hand-written JSON Schema of each refinement (see refinement.ts).
 */
export function convert(schema: z.ZodMiniType): Conversion {
  const unstated: Conversion['unstated'] = [];
  const undescribed: string[] = [];
  const json = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'throw',
    reused: 'inline',
    cycles: 'throw',
    override: ({ zodSchema, jsonSchema, path }) => {
      const node = jsonSchema as JsonSchema;
      const doc = z.globalRegistry.get(zodSchema)?.[REFINEMENT_KEY] as RefinementInJsonSchema | undefined;
      delete node[REFINEMENT_KEY];
      if (customChecks(zodSchema) === 0) return;
      if (doc === undefined || (doc.schema === undefined && doc.words === undefined)) {
        undescribed.push(pointer(path));
        return;
      }
      if (doc.schema) addKeywords(node, doc.schema);
      if (doc.words) {
        node.description = typeof node.description === 'string' ? `${node.description} ${doc.words}` : doc.words;
        unstated.push({ at: pointer(path), words: doc.words });
      }
    },
  }) as JsonSchema;
  delete json.$schema;
  return { schema: json, unstated, undescribed };
}

export interface EventSchema {
  provider: ProviderDef;
  event: EventDef;
  /** The type name, JSON Schema title and OpenAPI component name: `RehookCustomerRewarded`. */
  name: string;
  conversion: Conversion;
  /** title, description and the converted keywords; no `$schema` (see `standalone`). */
  schema: JsonSchema;
}

export function describeEvent(provider: ProviderDef, event: EventDef): string {
  const origin = event.origin === 'INFERRED' ? " The shape is inferred from the provider's other API objects (not shown in its docs)." : '';
  return `${provider.name} ${event.name}: ${event.description}.${origin}`;
}

const cache = new WeakMap<EventDef, EventSchema>();

/** One event's JSON Schema, converted once per process. */
export function eventSchema(provider: ProviderDef, event: EventDef): EventSchema {
  let found = cache.get(event);
  if (found === undefined) {
    const conversion = convert(event.schema);
    const name = typeName(provider, event.name);
    found = { provider, event, name, conversion, schema: { title: name, description: describeEvent(provider, event), ...conversion.schema } };
    cache.set(event, found);
  }
  return found;
}

/** A schema as a file of its own: the 2020-12 dialect first. */
export function standalone(schema: JsonSchema): JsonSchema {
  return { $schema: DIALECT, ...schema };
}

/**
 * Several events in one document: `anyOf` the events (a body valid for any of them), each under `$defs` by its
 * type name, so `#/$defs/RehookCustomerRewarded` addresses one event.
 */
export function bundle(events: EventSchema[], title: string, description: string): JsonSchema {
  return {
    $schema: DIALECT,
    title,
    description,
    anyOf: events.map((e) => ({ $ref: `#/$defs/${e.name}` })),
    $defs: Object.fromEntries(events.map((e) => [e.name, e.schema])),
  };
}
