// The library API. Everything here returns values; nothing prints or exits.
export { generate, prepareGenerator, type Delivery, type GenerateOptions } from './core/generate.js';
export { catalog, providerInfo, type ProviderInfo } from './core/catalog.js';
export { loadProvider, PROVIDER_IDS } from './providers/index.js';
export type { ProviderDef, EventDef, SigningSpec, RetryPolicy, SchemeId, IncomingRequest, Json } from './providers/types.js';
export { CliError, UsageError, NetworkError, CheckFailedError, EXIT } from './output/errors.js';
export { send, type SendOptions, type SendCallbacks, type SendResult, type Attempt, type AttemptResponse, type SendOutcome, type SendFailure } from './http/send.js';
export { sendRepeated, type RepeatOptions, type RepeatCallbacks, type RepeatSummary } from './http/repeat.js';
export { buildSendRequest, type SendRequest, type PreparedRequest, type BuildRequestInput } from './http/request.js';
export { retrySchedule, type RetrySchedule, type RetryOverrides } from './http/retry.js';
