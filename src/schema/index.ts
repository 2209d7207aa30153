import { findEvent, loadAllProviders, loadProvider } from '../providers/index.js';
import { UsageError } from '../output/errors.js';
import { bundle, eventSchema, standalone, type EventSchema, type JsonSchema } from './json-schema.js';
import { openApiDocument, type Selection } from './openapi.js';
import type { SchemaFormat } from './formats.js';
import { declarations } from './typescript.js';

export type { JsonSchema } from './json-schema.js';

export { SCHEMA_FORMATS, type SchemaFormat } from './formats.js';

export interface SchemaOptions {
  /** One provider; omitted: every provider. */
  provider?: string;
  /** One event (name or alias) of `provider`; omitted: all its events. */
  event?: string;
  /** Default json-schema. */
  format?: SchemaFormat;
}

export interface SchemaResult {
  format: SchemaFormat;
  /** A JSON document (json-schema, openapi) or TypeScript source (typescript). */
  document: JsonSchema | string;
  /** How many events it covers. */
  events: number;
  /** Refinements with no JSON Schema description (the schema is looser than the listener there): warnings. */
  undescribed: string[];
}

async function select(options: SchemaOptions): Promise<Selection[]> {
  if (options.event !== undefined && options.provider === undefined) {
    throw new UsageError('bad_usage', 'an event needs its provider', 'e.g. `cg-hooks schema rehook customer.rewarded`');
  }
  if (options.provider === undefined) return (await loadAllProviders()).map((provider) => ({ provider, events: provider.events }));
  const provider = await loadProvider(options.provider);
  return [{ provider, events: options.event === undefined ? provider.events : [findEvent(provider, options.event)] }];
}

/**
 * The catalog as JSON Schema (2020-12), OpenAPI 3.1 or TypeScript declarations, for one event, one provider or
 * every provider. Converted from the same zod schemas `listen` validates with.
 */
export async function schema(options: SchemaOptions = {}): Promise<SchemaResult> {
  const format = options.format ?? 'json-schema';
  const selection = await select(options);
  const events: EventSchema[] = selection.flatMap(({ provider, events: list }) => list.map((e) => eventSchema(provider, e)));
  const undescribed = events.flatMap((e) => e.conversion.undescribed.map((at) => `${e.provider.id} ${e.event.name} ${at}`));
  const one = selection.length === 1 ? selection[0]!.provider : undefined;
  const title = one ? `${one.name} webhooks` : 'Rewards and loyalty webhooks';
  let document: JsonSchema | string;
  if (format === 'openapi') document = openApiDocument(selection, `${title} (cg-hooks)`);
  else if (format === 'typescript') {
    const single = options.event !== undefined;
    const command = ['cg-hooks schema', options.provider ?? '--all', options.event, '--format typescript'].filter(Boolean).join(' ');
    document = `// Webhook payload types, from \`${command}\`. Standalone: nothing to import or install.\n\n${declarations(events, { unions: !single, catalog: one === undefined })}`;
  } else if (options.event !== undefined) document = standalone(events[0]!.schema);
  else {
    const description = one ? `Any ${one.name} delivery; each event is under $defs by its type name.` : 'Any delivery of any provider cg-hooks knows; each event is under $defs by its type name.';
    document = bundle(events, title, description);
  }
  return { format, document, events: events.length, undescribed };
}
