import { didYouMean } from '../core/suggest.js';
import { UsageError } from '../errors.js';
import type { EventDef, ProviderDef } from './types.js';

// Loaded lazily so that a command touching one provider does not parse the others.
// Adding a provider: one file in src/providers/, one in src/templates/, fixtures, and its line here.
const loaders: Record<string, () => Promise<{ provider: ProviderDef }>> = {
  customerglu: () => import('./customerglu.js'),
  'customerglu-events': () => import('./customerglu-events.js'),
  segment: () => import('./segment.js'),
  moengage: () => import('./moengage.js'),
  clevertap: () => import('./clevertap.js'),
  webengage: () => import('./webengage.js'),
  rehook: () => import('./rehook.js'),
  mgpass: () => import('./mgpass.js'),
  reward: () => import('./reward.js'),
};

export const PROVIDER_IDS: readonly string[] = Object.keys(loaders);

function unknownProvider(id: string): UsageError {
  const guess = didYouMean(id, PROVIDER_IDS);
  return new UsageError(
    'unknown_provider',
    `unknown provider "${id}"${guess ? ` (did you mean "${guess}"?)` : ''}; valid providers: ${PROVIDER_IDS.join(', ')}`,
    'run `cg-hooks providers` to see every provider and its events',
  );
}

export async function loadProvider(id: string): Promise<ProviderDef> {
  // Own keys only: `cg-hooks generate constructor …` must be an unknown provider, not Object.prototype.constructor.
  const key = [id, id.toLowerCase()].find((k) => Object.hasOwn(loaders, k));
  const load = key === undefined ? undefined : loaders[key];
  if (!load) throw unknownProvider(id);
  return (await load()).provider;
}

export async function loadAllProviders(): Promise<ProviderDef[]> {
  return Promise.all(PROVIDER_IDS.map((id) => loaders[id]!().then((m) => m.provider)));
}

/** The event by name or alias; a usage error listing the valid names otherwise. */
export function findEvent(provider: ProviderDef, name: string): EventDef {
  const event = provider.events.find((e) => e.name === name || e.aliases?.includes(name));
  if (event) return event;
  const names = provider.events.map((e) => e.name);
  const guess = didYouMean(name, [...names, ...provider.events.flatMap((e) => e.aliases ?? [])]);
  throw new UsageError(
    'unknown_event',
    `unknown event "${name}" for ${provider.id}${guess ? ` (did you mean "${guess}"?)` : ''}; valid events: ${names.join(', ')}`,
    `run \`cg-hooks providers ${provider.id}\` to see its events and variants`,
  );
}

/** The variant by name (default: the first); a usage error listing the valid ones otherwise. */
export function findVariant(provider: ProviderDef, event: EventDef, name?: string): string | undefined {
  const variants = event.variants ?? [];
  if (name === undefined) return variants[0]?.name;
  if (variants.some((v) => v.name === name)) return name;
  const names = variants.map((v) => v.name);
  if (names.length === 0) {
    throw new UsageError('unknown_variant', `${provider.id} ${event.name} has no variants (got --variant ${name})`);
  }
  const guess = didYouMean(name, names);
  throw new UsageError(
    'unknown_variant',
    `unknown variant "${name}" for ${provider.id} ${event.name}${guess ? ` (did you mean "${guess}"?)` : ''}; valid variants: ${names.join(', ')}`,
  );
}
