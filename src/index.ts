// The library API. Everything here returns values; nothing prints or exits.
export { generate, prepareGenerator, type Delivery, type GenerateOptions } from './core/generate.js';
export { catalog, providerInfo, type ProviderInfo } from './core/catalog.js';
export { loadProvider, PROVIDER_IDS } from './providers/index.js';
export type { ProviderDef, EventDef, SigningSpec, RetryPolicy, SchemeId, IncomingRequest, Json } from './providers/types.js';
export { CliError, UsageError, NetworkError, CheckFailedError, EXIT } from './output/errors.js';
