// Temporary placeholder so the registry builds while providers are being written. Delete when unused.
import type { ProviderDef } from './types.js';

export function stubProvider(id: string): ProviderDef {
  return {
    id,
    name: id,
    description: '(not yet implemented)',
    kind: 'webhook',
    signing: { scheme: 'none', secretRequired: false, description: 'not yet implemented' },
    headers: { 'Content-Type': 'application/json' },
    retry: { attempts: 1, delaysMs: [0], success: '2xx', origin: 'NONE', description: 'none' },
    events: [],
    template: () => ({}),
    eventOf: () => undefined,
    detect: () => 0,
  };
}
