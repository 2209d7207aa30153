import type { ProviderDef } from '../providers/types.js';

/** `customerglu-events` → `CustomergluEvents`, `customer.rewarded` → `CustomerRewarded`. */
export function pascal(text: string): string {
  const words = text.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const joined = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  return /^[0-9]/.test(joined) ? `_${joined}` : joined;
}

/** The union of a provider's events: `MgpassEvent`. */
export function unionName(providerId: string): string {
  return `${pascal(providerId)}Event`;
}

/** The map from event name to payload type: `MgpassEvents`. */
export function mapName(providerId: string): string {
  return `${pascal(providerId)}Events`;
}

/**
 * One event's type (and JSON Schema title, OpenAPI component name): provider + event, `RehookCustomerRewarded`.
 * A provider's only event called `event` is `ClevertapEvent`, which is also its union: one type, not two.
 * Should such a provider gain a second event, the first becomes `…EventPayload` so the union keeps its name.
 */
export function typeName(provider: Pick<ProviderDef, 'id' | 'events'>, eventName: string): string {
  const name = `${pascal(provider.id)}${pascal(eventName)}`;
  return name === unionName(provider.id) && provider.events.length > 1 ? `${name}Payload` : name;
}
