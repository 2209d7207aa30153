// The library API. Everything here returns values; nothing prints or exits.
export { generate, prepareGenerator, type Delivery, type GenerateOptions } from './core/generate.js';
export { catalog, providerInfo, type ProviderInfo } from './core/catalog.js';
export { loadProvider, PROVIDER_IDS } from './providers/index.js';
export type { ProviderDef, EventDef, SigningSpec, RetryPolicy, SchemeId, IncomingRequest, Json } from './providers/types.js';
export { CliError, UsageError, NetworkError, CheckFailedError, EXIT } from './output/errors.js';
export { startListener as listen, type ListenOptions, type ListenCallbacks, type Listener, type ListenSummary, type DeliveryReport } from './http/listen.js';
export { replayCaptures as replay, buildReplayRequest, type ReplayOptions, type ReplayResult, type ReplayItem } from './http/replay.js';
export { readCapture, parseCapture, serializeCapture, type Capture, type CaptureInput } from './core/capture.js';
export { captureFileName } from './core/capture-store.js';
