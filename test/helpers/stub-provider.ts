import type { ProviderDef } from '../../src/providers/types.js';

/** A bare provider for scheme, detection and inspection tests (no signing, no events), with what a test needs set. */
export function stubProvider(id: string, overrides: Partial<ProviderDef> = {}): ProviderDef {
  return {
    id,
    name: id,
    description: '',
    kind: 'webhook',
    signing: { scheme: 'none', secretRequired: false, description: '' },
    headers: {},
    retry: { attempts: 1, delaysMs: [0], success: '2xx', origin: 'NONE', description: '' },
    events: [],
    template: () => ({}),
    eventOf: () => undefined,
    detect: () => 0,
    ...overrides,
  };
}
