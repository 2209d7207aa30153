// The full `verify --explain` diagnosis of one delivery, computed in the listener process (with its secrets)
// when the page opens the detail. Only the findings reach the browser: never a key.
import { loadProvider } from '../providers/index.js';
import type { ProviderDef, SchemeId } from '../providers/types.js';
import { explain } from '../signing/api.js';
import type { Entry } from './store.js';
import { headersOf, queryOf } from './views.js';

export interface Credentials {
  secrets: string[];
  apiKey?: string;
  user?: string;
  licenseCode?: string;
  /** A scheme forced on the listener (`--scheme`), when it has that option. */
  scheme?: string;
}

export interface ExplanationView {
  verdict: string;
  summary: string;
  findings: Array<{ cause: string; title: string; detail: string[]; fix?: string; offset?: number; excerpt?: { given: string; signed: string } }>;
  match?: { body: string; algorithm: string; encoding: string; template: string; header: string };
  tried?: Record<string, unknown>;
}

/** Schemes whose credential is a header or query value the report holds masked: nothing to diagnose from it. */
const CREDENTIAL_SCHEMES = new Set(['api-key', 'basic', 'webengage', 'none']);
const DIAGNOSED = new Set(['valid', 'invalid', 'malformed', 'missing', 'expired']);
/**
 * A diagnosis tries thousands of HMACs over the body, on the listener's event loop: larger bodies are not
 * diagnosed (the listener's own one-line diagnosis has the same limit).
 */
export const MAX_EXPLAIN_BODY = 64 * 1024;

const providers = new Map<string, Promise<ProviderDef | undefined>>();
export function providerById(id: string): Promise<ProviderDef | undefined> {
  let p = providers.get(id);
  if (!p) {
    p = loadProvider(id).catch(() => undefined);
    providers.set(id, p);
  }
  return p;
}

/** Why the full diagnosis is not available for this entry, or undefined when it is. */
export function whyNotExplained(e: Entry, provider: ProviderDef | undefined, creds: Credentials): string | undefined {
  const status = (e.report.signature as { status?: string } | undefined)?.status ?? '';
  if (e.kind !== 'delivery') return 'a request sent by the inspector';
  if (!provider) return 'no provider recognised';
  if (!DIAGNOSED.has(status)) return status === 'not-checked' ? 'no --secret: the signature was not checked' : 'nothing to diagnose';
  const scheme = creds.scheme ?? provider.signing.scheme;
  if (CREDENTIAL_SCHEMES.has(scheme) || (scheme === 'segment' && headersOf(e.report)['x-signature'] === undefined)) {
    return 'a credential, not a signature: it is kept masked, so only the listener\'s one-line verdict is shown';
  }
  if (e.body.length > MAX_EXPLAIN_BODY) return `body over ${MAX_EXPLAIN_BODY / 1024} KB: not diagnosed`;
  return undefined;
}

export function explainEntry(e: Entry, provider: ProviderDef, creds: Credentials): ExplanationView {
  const query: Record<string, string> = {};
  for (const [k, v] of Object.entries(queryOf(e.report))) query[k] = Array.isArray(v) ? (v[0] ?? '') : v;
  const receivedAt = Date.parse(String(e.report.receivedAt ?? ''));
  const options = {
    secrets: creds.secrets,
    ...(creds.scheme ? { scheme: creds.scheme as SchemeId } : {}),
    // A delivery looked at later is judged at the time it arrived (as `verify --capture` does).
    ...(Number.isFinite(receivedAt) ? { now: Math.floor(receivedAt / 1000) } : {}),
  };
  const x = explain(provider, { headers: headersOf(e.report), query, body: e.body }, options);
  const view: ExplanationView = {
    verdict: x.verdict,
    summary: x.summary,
    findings: x.findings.map((f) => ({
      cause: f.cause,
      title: f.title,
      detail: f.detail,
      ...(f.fix !== undefined ? { fix: f.fix } : {}),
      ...(f.offset !== undefined ? { offset: f.offset } : {}),
      ...(f.excerpt !== undefined ? { excerpt: f.excerpt } : {}),
    })),
    tried: { ...x.tried },
  };
  if (x.match) view.match = { body: x.match.bodyLabel, algorithm: x.match.algorithm, encoding: x.match.encoding, template: x.match.template, header: x.match.header };
  return view;
}
