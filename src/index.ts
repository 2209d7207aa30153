// The library API. Everything here returns values; nothing prints or exits.
export { generate, prepareGenerator, type Delivery, type GenerateOptions } from './core/generate.js';
export { catalog, providerInfo, type ProviderInfo } from './core/catalog.js';
export { loadProvider, PROVIDER_IDS } from './providers/index.js';
export type { ProviderDef, EventDef, SigningSpec, RetryPolicy, SchemeId, IncomingRequest, Json } from './providers/types.js';
export { CliError, UsageError, NetworkError, CheckFailedError, EXIT } from './output/errors.js';
export { sign, verify, explain, type SigningTarget, type IncomingParts, type LibraryVerifyOptions } from './signing/api.js';
export { signRequest, verifyRequest, safeEqual } from './signing/index.js';
export type { SignOptions, SignedRequest, VerifyOptions, VerifyResult, VerifyStatus, RequestParts, CustomHmac, Explanation, Finding, ExplainCause } from './signing/index.js';
export { readCapture, parseCapture, serializeCapture, type Capture, type CaptureInput } from './core/capture.js';
