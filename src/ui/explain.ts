// The full `verify --explain` diagnosis of one delivery, computed in the listener process (with its secrets)
// when the page opens the detail. Only the findings reach the browser: never a key.
import { lastValues } from '../core/capture.js';
import { loadProvider } from '../providers/index.js';
import type { ProviderDef } from '../providers/types.js';
import { explain } from '../signing/index.js';
import type { EntryScheme, FixedSchemeLike } from './scheme.js';
import type { Entry } from './store.js';
import { headersOf, queryOf } from './views.js';

export interface Credentials {
  secrets: string[];
  apiKey?: string;
  user?: string;
  licenseCode?: string;
  /** The scheme `listen --scheme` fixes, if any. */
  scheme?: FixedSchemeLike;
}

export interface ExplanationView {
  verdict: string;
  summary: string;
  findings: Array<{ cause: string; title: string; detail: string[]; fix?: string; offset?: number; excerpt?: { given: string; signed: string } }>;
  match?: { body: string; algorithm: string; encoding: string; template: string; header: string };
  tried?: Record<string, unknown>;
}

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
export function whyNotExplained(e: Entry, es: EntryScheme | undefined): string | undefined {
  const status = (e.report.signature as { status?: string } | undefined)?.status ?? '';
  if (e.kind !== 'delivery') return 'a request sent by the inspector';
  if (!es) return 'no provider or signing scheme recognised';
  if (!DIAGNOSED.has(status)) return status === 'not-checked' ? 'no --secret: the signature was not checked' : 'nothing to diagnose';
  // A credential (an API key, basic auth, WebEngage's secret) is kept masked: there is nothing to search.
  if (es.scheme.kind !== 'hmac') return 'a credential, not a signature: it is kept masked, so only the listener\'s one-line verdict is shown';
  if (e.body.length > MAX_EXPLAIN_BODY) return `body over ${MAX_EXPLAIN_BODY / 1024} KB: not diagnosed`;
  return undefined;
}

/** The diagnosis `verify --explain` gives, by the scheme that checked the delivery (see scheme.ts). */
export function explainEntry(e: Entry, es: EntryScheme, creds: Credentials): ExplanationView {
  // The query as the listener's checks read it: the last value of a repeated parameter.
  const query = lastValues(queryOf(e.report));
  const receivedAt = Date.parse(String(e.report.receivedAt ?? ''));
  const options = {
    secrets: creds.secrets,
    // The keys only: a credential sent besides (X-API-KEY, Authorization) is held masked, nothing to diagnose.
    ...(es.override !== undefined ? { scheme: es.override } : {}),
    ...(es.custom !== undefined ? { custom: es.custom } : {}),
    // A delivery looked at later is judged at the time it arrived (as `verify --capture` does).
    ...(Number.isFinite(receivedAt) ? { now: Math.floor(receivedAt / 1000) } : {}),
  };
  const x = explain(es.spec, { headers: headersOf(e.report), query, body: e.body }, options);
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
