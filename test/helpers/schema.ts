import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { loadAllProviders } from '../../src/providers/index.js';
import type { EventDef, ProviderDef } from '../../src/providers/types.js';

// ajv-formats is CommonJS with a default export; under NodeNext its namespace's default is the function.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/** A strict JSON Schema 2020-12 validator that also checks formats (date-time, email, uuid), as zod does. */
export function makeAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
  addFormats(ajv);
  return ajv;
}

export interface EventCase {
  provider: ProviderDef;
  event: EventDef;
  /** The event's variants, or [undefined] when it has none. */
  variants: Array<string | undefined>;
}

/** Every provider's every event, straight from the catalog: new events are covered without changing the tests. */
export async function eventCases(): Promise<EventCase[]> {
  const providers = await loadAllProviders();
  return providers.flatMap((provider) =>
    provider.events.map((event) => ({ provider, event, variants: event.variants?.map((v) => v.name) ?? [undefined] })),
  );
}
