// deliveryCases: the conformance cases `cg-hooks test` runs, as data a test framework can iterate over.
// The plan is the core's (planCases); this only turns each case's exact request into a WHATWG Request.
import { judge, planCases, type CaseKind, type ConformanceCase, type Expected, type Judgement } from '../index.js';
import { libraryErrors, planOptions, resolveProvider, type CaseOptions } from './options.js';
import { absoluteUrl, webRequest, withQuery } from './request.js';

/** What the receiver must answer. (`cg-hooks test`'s `raw-bytes` is `2xx` here: the case's `why` says what is special.) */
export type CaseExpectation = '2xx' | '200' | '4xx' | '401/403';

export interface DeliveryCase {
  /** Stable name, as in `cg-hooks test`: `valid:<event>`, `duplicate`, `wrong-secret`, `tampered-body`, … */
  name: string;
  kind: CaseKind;
  /** The delivery, exactly as the case sends it. Every read is a new Request (a body can be read only once). */
  readonly request: Request;
  expect: CaseExpectation;
  /** Required cases decide conformance; advisory ones (`required: false`) can only warn. */
  required: boolean;
  /** What is sent and why the answer matters. */
  why: string;
  /** For `duplicate`: the case whose request it repeats byte for byte (send that one first). */
  repeats?: string;
  /** Judges the receiver's answer as `cg-hooks test` does: a verdict, and a hint when it is not a pass. */
  check(response: Response | number): Judgement;
}

export interface DeliveryCasesOptions extends CaseOptions {
  /** The receiver's URL (absolute: a Request needs one); a case's query parameters are added to it. */
  url: string | URL;
}

function expectation(e: Expected): CaseExpectation {
  return e === 'raw-bytes' ? '2xx' : e;
}

function toDeliveryCase(c: ConformanceCase, url: string): DeliveryCase {
  const r = c.request!;
  const target = withQuery(url, r.query);
  return {
    name: c.name,
    kind: c.kind,
    get request() {
      return webRequest(target, r.headers, r.body);
    },
    expect: expectation(c.expected),
    required: c.required,
    why: c.description,
    ...(c.repeats !== undefined ? { repeats: c.repeats } : {}),
    check(response: Response | number): Judgement {
      if (typeof response === 'number') return judge(c, { status: response });
      const location = response.headers.get('location');
      return judge(c, { status: response.status, ...(location !== null ? { location } : {}) });
    },
  };
}

/**
 * The conformance cases for a provider, in the order `cg-hooks test` runs them: valid deliveries of every event,
 * a duplicate, and the forged ones (wrong secret, tampered, truncated, missing signature, stale and future
 * timestamps where the scheme signs one, wrong or missing credentials, malformed JSON, a non-compact body).
 * Cases that do not apply (a provider that does not sign has no signature cases) are left out.
 */
export async function deliveryCases(options: DeliveryCasesOptions): Promise<DeliveryCase[]> {
  const fn = 'deliveryCases';
  const provider = await resolveProvider(options.provider, fn);
  const url = absoluteUrl(options.url, fn);
  const plan = await libraryErrors(fn, () => planCases(provider, planOptions(options)));
  return plan.cases.filter((c) => c.request !== undefined).map((c) => toDeliveryCase(c, url));
}
