import { loadAllProviders, loadProvider } from '../providers/index.js';
import type { ProviderDef } from '../providers/types.js';

/** A provider as data: what `providers --json` prints and the library's `catalog()` returns. */
export interface ProviderInfo {
  id: string;
  name: string;
  description: string;
  kind: ProviderDef['kind'];
  endpoint?: string;
  signing: ProviderDef['signing'];
  headers: Record<string, string>;
  retry: ProviderDef['retry'];
  timeoutMs?: number;
  events: Array<{
    name: string;
    description: string;
    origin: 'DOC' | 'INFERRED';
    aliases: string[];
    variants: Array<{ name: string; description: string }>;
    fixtures: string[];
    /** The webhook family, for providers that have several (see `groups`). */
    group?: string;
    /** True when a tenant can reshape the payload with `--mapping` (CustomerGlu reward). */
    mappable?: boolean;
  }>;
  /** The provider's webhook families in display order, when it has more than one (mgPass: rewards, identity). */
  groups?: Array<{ name: string; title: string; description: string }>;
}

export function describeProvider(p: ProviderDef): ProviderInfo {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    kind: p.kind,
    ...(p.endpoint ? { endpoint: p.endpoint } : {}),
    signing: p.signing,
    headers: p.headers,
    retry: p.retry,
    ...(p.timeoutMs ? { timeoutMs: p.timeoutMs } : {}),
    events: p.events.map((e) => ({
      name: e.name,
      description: e.description,
      origin: e.origin,
      aliases: e.aliases ?? [],
      variants: e.variants ?? [],
      fixtures: (e.fixtures ?? []).map((f) => `fixtures/${p.id}/${f}`),
      ...(e.group !== undefined ? { group: e.group } : {}),
      ...(e.tenantMapping !== undefined ? { mappable: true } : {}),
    })),
    ...(p.groups?.length ? { groups: p.groups.map((g) => ({ ...g })) } : {}),
  };
}

/** Library API: every provider, or one. */
export async function catalog(): Promise<ProviderInfo[]> {
  return (await loadAllProviders()).map(describeProvider);
}
export async function providerInfo(id: string): Promise<ProviderInfo> {
  return describeProvider(await loadProvider(id));
}
