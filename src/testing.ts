// `cg-hooks/testing`: test a webhook receiver from your own test suite (vitest, jest, node:test).
//   signedRequest  one realistic, correctly signed delivery as a WHATWG Request
//   deliveryCases  the conformance cases of `cg-hooks test` as data: a Request and the expected answer each
//   conform        the whole conformance suite against a URL, a fetch handler, a Node listener or an http.Server
// Nothing here imports a test framework: `cg-hooks/vitest` adds the `toConform` matcher.
export { signedRequest, type SignedRequestOptions } from './testing/request.js';
export { deliveryCases, type DeliveryCase, type DeliveryCasesOptions, type CaseExpectation } from './testing/cases.js';
export { conform, type ConformOptions, type ConformReport, type ConformCaseReport } from './testing/conform.js';
export { describeReport } from './testing/describe.js';
export type { ConformTarget, FetchHandler, NodeListener } from './testing/serve.js';
export type { ProviderOptions, CaseOptions } from './testing/options.js';
export type { CaseKind, Judgement, Verdict, SchemeId, CustomHmac } from './index.js';
