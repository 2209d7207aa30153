import type { ProviderDef } from '../providers/types.js';

/** `customerglu-events` → `CustomergluEvents`, `customer.rewarded` → `CustomerRewarded`. */
export function pascal(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

/** A name TypeScript accepts as an identifier (a provider id could start with a digit). */
const identifier = (name: string) => (/^[0-9]/.test(name) ? `_${name}` : name);

/** The union of a provider's events: `MgpassEvent`. */
export function unionName(providerId: string): string {
  return identifier(`${pascal(providerId)}Event`);
}

/** The union of one group of a provider's events: `MgpassIdentityEvent`. */
export function groupUnionName(providerId: string, group: string): string {
  return identifier(`${pascal(providerId)}${pascal(group)}Event`);
}

/** The map from event name to payload type: `MgpassEvents`. */
export function mapName(providerId: string): string {
  return identifier(`${pascal(providerId)}Events`);
}

/**
 * One event's type (and JSON Schema title, OpenAPI component name): provider + event, `RehookCustomerRewarded`.
 * A provider's only event called `event` is `ClevertapEvent`, which is also its union: one type, not two.
 * Should such a provider gain a second event, the first becomes `…EventPayload` so the union keeps its name.
 */
export function typeName(provider: Pick<ProviderDef, 'id' | 'events'>, eventName: string): string {
  const name = identifier(`${pascal(provider.id)}${pascal(eventName)}`);
  return name === unionName(provider.id) && provider.events.length > 1 ? `${name}Payload` : name;
}
