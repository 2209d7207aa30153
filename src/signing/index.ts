// The signing layer: schemes (one module each, listed by the registry), signing and verifying requests, --explain.
export type * from './types.js';
export { safeEqual } from './hmac.js';
export { DEFAULT_TOLERANCE, type HmacProfile } from './schemes/profile.js';
export { secretProblem } from './schemes/hmac-scheme.js';
export { SCHEMES, schemeById, schemeIds, schemeFor, identifyScheme, carriesScheme, profileOf, type Scheme, type SchemeChoice, type Credentials, type ConformanceFamily, type CredentialCases, type GeneratedKeys } from './registry.js';
export { signRequest, verifyRequest } from './requests.js';
export { explain, firstDifference, type Explanation, type Finding, type ExplainMatch, type ExplainCause } from './explain/index.js';
