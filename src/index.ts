// The library API. Everything here returns values; nothing prints or exits.
export { generate, prepareGenerator, type Delivery, type GenerateOptions } from './core/generate.js';
export { parseMapping, compileMapping, checkMapping, applyMapping, validateMapped, mappedDedupKey, Mapping, MappingError } from './core/mapping.js';
export { catalog, providerInfo, type ProviderInfo } from './core/catalog.js';
export { loadProvider, PROVIDER_IDS } from './providers/index.js';
export type { ProviderDef, EventDef, BodyCompiler, SigningSpec, RetryPolicy, SchemeId, IncomingRequest, Json } from './providers/types.js';
export { CliError, UsageError, NetworkError, CheckFailedError, EXIT } from './errors.js';
export { send, type SendOptions, type SendCallbacks, type SendResult, type Attempt, type AttemptResponse, type SendOutcome, type SendFailure } from './http/send.js';
export { sendRepeated, type RepeatOptions, type RepeatCallbacks, type RepeatSummary } from './http/repeat.js';
export { buildSendRequest, type SendRequest, type PreparedRequest, type BuildRequestInput } from './http/request.js';
export { retrySchedule, type RetrySchedule, type RetryOverrides } from './http/retry.js';
export { planCases, listCases, type ConformancePlan, type ConformanceCase, type PlanOptions, type CaseRequest, type Expected, type CaseKind } from './core/conformance.js';
export { judge, type Judgement, type Verdict, type CaseResponse } from './core/judge.js';
export { runConformance, type ConformanceReport, type CaseResult, type ConformanceSummary, type RunOptions, type RunCallbacks } from './http/conformance.js';
export { junitXml, escapeXml, type JUnitSuite, type JUnitCase } from './output/junit.js';
export { sign, verify, verifyWebRequest, explain, type SigningTarget, type IncomingParts, type LibraryVerifyOptions, type HeadersLike, type HeaderRecord, type WebRequestLike } from './signing/api.js';
export { signRequest, verifyRequest, safeEqual } from './signing/index.js';
export { schemeCatalog, type SchemeInfo } from './signing/registry.js';
export type { SignOptions, SignedRequest, VerifyOptions, VerifyResult, VerifyStatus, RequestParts, CustomHmac, Explanation, Finding, ExplainCause } from './signing/index.js';
export { readCapture, parseCapture, serializeCapture, type Capture, type CaptureInput } from './core/capture.js';
export { startListener as listen, type ListenOptions, type ListenCallbacks, type Listener, type ListenSummary, type DeliveryReport } from './http/listen.js';
export { replayCaptures as replay, buildReplayRequest, type ReplayOptions, type ReplayResult, type ReplayItem } from './http/replay.js';
export { captureFileName } from './core/capture-store.js';
export { runDemo as demo, type DemoReport, type DemoRow, type DemoOptions } from './http/demo.js';
export { schema } from './schema/api.js';
export { SCHEMA_FORMATS, type SchemaFormat } from './schema/formats.js';
export type { SchemaOptions, SchemaResult, JsonSchema } from './schema/index.js';
// One type per event and a union per provider (`MgpassEvent`, `RehookCustomerRewarded`): types only, no run-time cost.
export type * from './events.js';
