import type { CaseKind, ConformanceCase, Expected } from './conformance-types.js';
import { redactUrl } from './redact.js';

export type Verdict = 'pass' | 'fail' | 'warn' | 'skip';

/** What came back for one case: a status and its latency, or a network failure. */
export interface CaseResponse {
  status?: number;
  latencyMs?: number;
  /** Redirect target, when the receiver redirected. */
  location?: string;
  error?: { code: string; message: string };
  /** The request timeout in ms, for "no response within …" hints. */
  timeoutMs?: number;
  /**
   * Whether the receiver accepted (2xx) any valid delivery sent earlier in the run; undefined when none was sent.
   * When it refused them all, a refused duplicate or non-compact body says nothing about de-duplication or
   * re-serialization, and the hint must not blame them.
   */
  validAccepted?: boolean;
}

export interface Judgement {
  verdict: Exclude<Verdict, 'skip'>;
  /** Why, and what to do: always set for fail and warn. */
  hint?: string;
}

/** Without a documented timeout, latency is judged against a common one. */
export const DEFAULT_LATENCY_BUDGET_MS = 10_000;
/** A response that takes more than this share of the budget is "close". */
export const CLOSE_TO_TIMEOUT = 0.5;

export function meets(expected: Expected, status: number): boolean {
  switch (expected) {
    case '2xx':
    case 'raw-bytes':
      return status >= 200 && status < 300;
    case '200':
      return status === 200;
    case '4xx':
      return status >= 400 && status < 500;
    case '401/403':
      return status === 401 || status === 403;
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

const ACCEPTED: Record<Exclude<CaseKind, 'valid' | 'non-ascii' | 'duplicate' | 'non-compact-body' | 'rotation-new-key' | 'rotation-both-keys'>, (c: ConformanceCase) => string> = {
  'wrong-secret': () => 'accepted a body signed with the wrong secret: the receiver does not verify signatures',
  'missing-signature': (c) => `accepted a delivery without the ${c.context.header ?? 'signature'} header: the receiver treats a missing signature as valid (reject it whenever a secret is configured)`,
  'tampered-body': (c) => `accepted a body changed after signing (${c.context.tampered ?? 'one field changed'}): the receiver does not verify the signature over the bytes it received`,
  'truncated-signature': () => 'accepted a signature cut to half its length: the comparison checks a prefix only, or nothing at all',
  'garbage-signature': () => 'accepted a signature that is not a digest at all: the receiver does not verify signatures',
  'stale-timestamp': () => 'accepted a correctly signed delivery with a timestamp an hour old: the receiver does not check the timestamp, so captured deliveries can be replayed (reject beyond 5 minutes)',
  'future-timestamp': (c) =>
    c.required
      ? 'accepted a correctly signed delivery timestamped an hour in the future: the receiver does not check the timestamp tolerance in both directions'
      : "accepted a correctly signed delivery timestamped an hour in the future, as the scheme's reference verifiers do; rejecting it too (tolerance in both directions) is stricter",
  'wrong-credentials': (c) => `accepted wrong credentials: the receiver does not check ${c.context.credential ?? 'them'}`,
  'no-credentials': (c) => `accepted a delivery with no credentials: the receiver does not require ${c.context.credential ?? 'them'}`,
  'malformed-json': () => 'acknowledged a body that is not JSON: parse (and validate) the body before answering 2xx, and answer 400 when it fails',
  'rotation-retired-key': () => 'accepted a delivery signed only with the retired key: the receiver still trusts it; remove it once the rotation is over (or run with --overlap while both keys are valid)',
};

const CRASHED: Partial<Record<CaseKind, (c: ConformanceCase) => string>> = {
  'missing-signature': (c) =>
    `the receiver crashed on a missing ${c.context.header ?? 'signature'} header instead of rejecting it (e.g. Buffer.from(undefined) or timingSafeEqual on it): check the header is present, then answer 401`,
  'truncated-signature': () => 'the receiver crashed on a signature of the wrong length (timingSafeEqual throws on a length mismatch): compare lengths first, then answer 401',
  'garbage-signature': () => 'the receiver crashed on a signature that is not a digest (decoding it gave a buffer of another length, and timingSafeEqual threw): answer 401',
  'malformed-json': () => 'the receiver crashed parsing a body that is not JSON: catch the parse error and answer 400',
  'no-credentials': (c) => `the receiver crashed when ${c.context.credential ?? 'the credentials'} were missing: check they are present, then answer 401`,
  'wrong-credentials': (c) => `the receiver crashed on wrong ${c.context.credential ?? 'credentials'} (a length mismatch in timingSafeEqual?): answer 401`,
};

function crashed(c: ConformanceCase, status: number): string {
  const specific = CRASHED[c.kind]?.(c);
  if (specific) return `answered ${status}: ${specific}`;
  return `answered ${status} to a forged delivery (${c.description}): the receiver crashed instead of rejecting it; answer 401`;
}

function rejectedValid(c: ConformanceCase, status: number, validAccepted?: boolean): string {
  if (c.expected === '200' && status >= 200 && status < 300) return `answered ${status}: ${c.context.provider} counts only 200 as success, so it records this delivery as failed`;
  const what = c.kind === 'duplicate' ? 'a duplicate delivery' : `a valid delivery (${c.description.replace(/^a (correctly \w+ )?/, '')})`;
  if (status === 404 || status === 405) return `answered ${status} to ${what}: is the URL (path and method POST) right?`;
  if (c.kind === 'non-ascii') return rejectedText(c, status, validAccepted);
  if (c.kind === 'duplicate' && validAccepted === false) return refusedLikeValid(status, 'de-duplication');
  if (status >= 500) return `answered ${status} to ${what}: the receiver crashed on it; check its logs`;
  if (c.kind === 'duplicate') {
    const key = c.context.dedupKey ? ` (de-duplicate on ${JSON.stringify(c.context.dedupKey)})` : '';
    return `rejected a duplicate with ${status}: providers retry, so a duplicate must be acknowledged with 2xx; skip the work and answer 200${key}`;
  }
  if (status === 401 || status === 403) {
    if (ROTATION[c.kind]) return `rejected with ${status} ${ROTATION[c.kind]}`;
    if (c.context.credential) return `rejected valid credentials with ${status}: check that --user/--api-key/--secret match what the receiver expects`;
    if (c.context.header) return `rejected a correctly signed delivery with ${status}: the receiver's secret differs from --secret, or it verifies something other than the raw body bytes${c.context.nonAscii ? ' (its body carries non-ASCII text: see valid:non-ascii)' : ''}`;
    return `rejected a valid delivery with ${status}: the receiver expects auth that ${c.context.provider} does not send`;
  }
  return `rejected ${what} with ${status}: the receiver's validation disagrees with ${c.context.provider}'s documented payload (see its response)`;
}

/** The charsets that lose multi-byte text, as receivers meet them. */
export const LOSSY_CHARSETS =
  "Java getBytes() or new String(bytes) without UTF-8 (the default charset is US-ASCII under LANG=C or POSIX), Latin-1 (ISO-8859-1) decoding, or Python's json.dumps with ensure_ascii (its default) re-serializing the text as \\uXXXX escapes";

/** Why a receiver refuses a genuine delivery whose text has multi-byte UTF-8 and an emoji. */
function rejectedText(c: ConformanceCase, status: number, validAccepted?: boolean): string {
  const what = `a correctly ${c.context.credential ? 'authenticated' : c.context.header ? 'signed' : 'built'} delivery with multi-byte UTF-8 and an emoji${c.context.text ? ` (${c.context.text})` : ''}`;
  if (validAccepted === false) return `answered ${status}, as it did to every valid delivery before it: fix the valid cases first (if their bodies carry non-ASCII text too, the cause may be a lossy charset: ${LOSSY_CHARSETS})`;
  if (status === 401 || status === 403) {
    return `rejected ${what} with ${status}${validAccepted ? ', though it accepted other valid deliveries' : ''}: the receiver checks the signature over bytes it decoded or re-encoded with a lossy charset: ${LOSSY_CHARSETS}; verify the raw body bytes, and decode them as UTF-8`;
  }
  if (status >= 500) return `answered ${status} to ${what}: the receiver crashed on the text (a lossy charset: ${LOSSY_CHARSETS}; or storage that refuses 4-byte UTF-8, such as MySQL's utf8mb3: use utf8mb4)`;
  return `rejected ${what} with ${status}: the receiver mangles non-ASCII text before it checks the body (${LOSSY_CHARSETS}); read the body as UTF-8`;
}

/** Why a receiver refuses a genuine delivery of the key rotation drill. */
const ROTATION: Partial<Record<CaseKind, string>> = {
  'rotation-new-key': 'a delivery signed with the new key: the receiver does not have the new key yet; add it beside the old one before the sender switches',
  'rotation-retired-key': 'a delivery signed with the retired key during the overlap: keep the old key until every sender has switched (or drop --overlap)',
  'rotation-both-keys': 'a header carrying both keys\' signatures: the receiver checks only one signature of the list (or one key); check every signature against every key',
};

/** The hint for a refusal that only repeats the refusal of every valid delivery before it. */
function refusedLikeValid(status: number, notAbout: string): string {
  return `answered ${status}, as it did to every valid delivery before it: the receiver refuses genuine deliveries, so this case says nothing about ${notAbout}; fix the valid cases first`;
}

function networkHint(c: ConformanceCase, r: CaseResponse): string {
  const e = r.error!;
  switch (e.code) {
    case 'timeout': {
      const within = r.timeoutMs !== undefined ? ` within ${seconds(r.timeoutMs)}` : '';
      // The status line came, the body never finished: not "no response" (the client's message says which).
      const started = /answered (\d{3}) but did not finish its response body/.exec(e.message);
      if (started) return `answered ${started[1]} but did not finish its response body${within}: end the response once you have answered; a sender that waits for the whole answer counts the delivery as failed`;
      if (c.expected === '2xx' || c.expected === '200' || c.kind === 'non-compact-body') {
        return `no response${within}: ${c.context.provider} would count the delivery as failed (answer first, then process asynchronously)`;
      }
      return `no response${within} to a forged delivery (${c.description}): the receiver hangs instead of rejecting it; answer 4xx at once`;
    }
    case 'connection_reset':
      // Also a status line followed by a body cut short (Content-Length promised more): not "without answering".
      return `the receiver closed the connection without a complete answer: it crashed on this request${c.expected === '2xx' || c.expected === '200' || c.expected === 'raw-bytes' ? '' : ' (answer 4xx instead)'}; check its logs`;
    case 'connection_refused':
      return 'the receiver stopped accepting connections: it probably crashed on an earlier case; check its logs';
    default:
      return e.message;
  }
}

function latencyJudgement(c: ConformanceCase, latencyMs: number | undefined): Judgement {
  if (latencyMs === undefined) return { verdict: 'pass' };
  const documented = c.context.providerTimeoutMs;
  const budget = documented ?? DEFAULT_LATENCY_BUDGET_MS;
  const whose = documented !== undefined ? `${c.context.provider}'s ${seconds(budget)} timeout` : `a typical ${seconds(budget)} webhook timeout`;
  if (latencyMs > budget && documented !== undefined && c.required) {
    return { verdict: 'fail', hint: `answered after ${seconds(latencyMs)}, past ${whose}: ${c.context.provider} gives up and counts the delivery as failed` };
  }
  if (latencyMs >= budget * CLOSE_TO_TIMEOUT) {
    return { verdict: 'warn', hint: `answered in ${seconds(latencyMs)}, close to ${whose}: acknowledge first, then process asynchronously` };
  }
  return { verdict: 'pass' };
}

function raw(c: ConformanceCase, r: CaseResponse): Judgement {
  const status = r.status!;
  if (r.location !== undefined || (status >= 300 && status < 400)) {
    // A redirect usually keeps the request's query (an http → https rule): WebEngage's `secret`, a `?token=`.
    return { verdict: 'fail', hint: `answered ${status}${r.location ? ` (redirect to ${redactUrl(r.location)})` : ''}: providers do not follow redirects; point cg-hooks test at the final URL` };
  }
  switch (c.expected) {
    case '2xx':
    case '200':
      return meets(c.expected, status) ? latencyJudgement(c, r.latencyMs) : { verdict: 'fail', hint: rejectedValid(c, status, r.validAccepted) };
    case 'raw-bytes': {
      if (meets('2xx', status)) {
        const l = latencyJudgement(c, r.latencyMs);
        return { verdict: l.verdict, hint: l.hint ? `verifies the raw body bytes; ${l.hint}` : 'verifies the raw body bytes' };
      }
      if (r.validAccepted === false) return { verdict: 'fail', hint: refusedLikeValid(status, 'how it verifies a body that is not compact JSON') };
      // A genuine delivery, correctly signed: a 5xx is a crash on it, not a forgery to be refused with 401.
      if (status >= 500) return { verdict: 'fail', hint: `answered ${status} to a correctly signed body that is not compact JSON: the receiver crashed on it; check its logs` };
      // A body with non-ASCII text may be refused for its charset, not its layout: say so rather than blame one.
      const text = c.context.nonAscii ? ' (or, since this body carries non-ASCII text, decodes it with a lossy charset: see valid:non-ascii)' : '';
      const why = `rejected (${status}) a correctly signed body that is not compact JSON: the receiver re-serializes the parsed body (JSON.stringify(req.body)) before verifying${text}`;
      return {
        verdict: 'fail',
        hint: c.required
          ? `${why}; this scheme signs the raw bytes: verify the body exactly as received (e.g. express.raw())`
          : `${why}, as ${c.context.provider}'s samples do; it works while ${c.context.provider} sends compact JSON, but verifying the raw bytes is safer`,
      };
    }
    case '4xx':
    case '401/403': {
      if (meets(c.expected, status)) return { verdict: 'pass' };
      if (status >= 500) return { verdict: 'fail', hint: crashed(c, status) };
      if (status >= 200 && status < 300) return { verdict: 'fail', hint: (ACCEPTED as Record<string, (c: ConformanceCase) => string>)[c.kind]?.(c) ?? `accepted a forged delivery (${c.description})` };
      if (c.expected === '401/403' && status >= 400 && status < 500) {
        return { verdict: 'warn', hint: `rejected with ${status}; answer 401 (or 403) so the sender's logs say the credentials are wrong` };
      }
      return { verdict: 'fail', hint: `answered ${status}, expected ${c.expected}` };
    }
  }
}

/**
 * Judges one response against its case. Pure. Advisory cases never fail: what would fail them is a warning.
 */
export function judge(c: ConformanceCase, r: CaseResponse): Judgement {
  const j: Judgement = r.status === undefined ? { verdict: 'fail', hint: r.error ? networkHint(c, r) : 'no response' } : raw(c, r);
  if (j.verdict === 'fail' && !c.required) return { ...j, verdict: 'warn' };
  return j;
}
