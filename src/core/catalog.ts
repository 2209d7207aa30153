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
  }>;
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
    })),
  };
}

/** Library API: every provider, or one. */
export async function catalog(): Promise<ProviderInfo[]> {
  return (await loadAllProviders()).map(describeProvider);
}
export async function providerInfo(id: string): Promise<ProviderInfo> {
  return describeProvider(await loadProvider(id));
}
