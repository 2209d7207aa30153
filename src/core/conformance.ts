import { UsageError } from '../errors.js';
import type { Json } from '../json.js';
import { findEvent } from '../providers/index.js';
import type { ProviderDef, SchemeId } from '../providers/types.js';
import { schemeFor, type ConformanceFamily, type Scheme, type SignOptions } from '../signing/index.js';
import type { CaseContext, CaseRequest, ConformanceCase, ConformancePlan, PlanOptions } from './conformance-types.js';
import { prepareGenerator, type PreparedGenerator } from './generate.js';
import { deleteHeader, GARBAGE, replaceDigest, signatureHeaders, tamper, withHeaders } from './forge.js';
import { authLine, credentialsOf, entries, SKEW_SECONDS, type Entry, type TextCase } from './conformance-entries.js';
import { mappedDedupKey, type Mapping } from './mapping.js';
import { mappingsFor } from './mapped-provider.js';
import { nonAsciiExcerpt, nonAsciiSample, textProfile, type NonAsciiSample } from './non-ascii.js';
import { buildSendRequest } from './request-build.js';
import { didYouMean } from './suggest.js';

export { tamper } from './forge.js';
export { SKEW_SECONDS } from './conformance-entries.js';
export type * from './conformance-types.js';

// Receiver conformance: which deliveries to send a receiver, and what it must answer to each. Planning is pure
// (it describes requests; no I/O): src/http/conformance.ts sends them, src/core/judge.ts judges. What a scheme
// needs and which cases apply come from the scheme (src/signing/schemes/): no scheme is named here.

function resolveScheme(provider: ProviderDef, id: SchemeId): { scheme: Scheme; own?: ProviderDef['signing'] } {
  const choice = schemeFor(provider.signing, id);
  if (!choice) throw new UsageError('unsupported_scheme', `unknown signing scheme ${id}`);
  return choice;
}

/** True when a selector (`valid`, `valid:reward`, `wrong-secret`) picks the case name. */
export function selects(selector: string, name: string): boolean {
  return name === selector || name.startsWith(`${selector}:`);
}

function applySelection(list: Entry[], o: PlanOptions): Entry[] {
  const names = list.map((e) => e.name);
  for (const [flag, selectors] of [['--only', o.only], ['--skip', o.skip]] as const) {
    for (const s of selectors ?? []) {
      if (names.some((n) => selects(s, n))) continue;
      const guess = didYouMean(s, [...new Set(names.map((n) => n.split(':')[0]!)), ...names]);
      throw new UsageError('unknown_case', `${flag}: no case named "${s}"${guess ? ` (did you mean "${guess}"?)` : ''}; cases: ${names.join(', ')}`, 'run `cg-hooks test --list --provider <p>` to see them');
    }
  }
  return list.map((e) => {
    if (e.skip) return e;
    if (o.only?.length && !o.only.some((s) => selects(s, e.name))) return { ...e, skip: 'not selected (--only)' };
    if (o.skip?.some((s) => selects(s, e.name))) return { ...e, skip: 'skipped (--skip)' };
    return e;
  });
}

function eventNames(provider: ProviderDef, o: PlanOptions): string[] {
  if (provider.events.length === 0) throw new UsageError('no_events', `${provider.id} has no events to test`);
  if (!o.events?.length) return provider.events.map((e) => e.name);
  return [...new Set(o.events.map((name) => findEvent(provider, name).name))];
}

const familyOf = (scheme: Scheme, own: ProviderDef['signing'] | undefined, o: PlanOptions, forList: boolean) =>
  scheme.conformance.family({ secrets: o.secrets?.length ?? 0, apiKey: o.apiKey !== undefined }, forList, own, o.custom);

/** The case list for `--list`: names, expectations and descriptions, no credentials needed. */
export function listCases(provider: ProviderDef, o: Pick<PlanOptions, 'scheme' | 'custom' | 'events' | 'retiredSecrets' | 'overlap' | 'mapping'> = {}): ConformanceCase[] {
  const { scheme, own } = resolveScheme(provider, o.scheme ?? provider.signing.scheme);
  const family = familyOf(scheme, own, o, true);
  const events = eventNames(provider, o);
  const mappings = o.mapping === undefined ? undefined : mappingsFor(provider, o.mapping, events);
  // Whether the provider has text to send at all (the planned case quotes its own delivery).
  const sample = nonAsciiSample(provider, { seed: TEXT_SEED, ...firstMapping(mappings) }, 200, events);
  const text: TextCase = sample ? {} : { skip: noTextReason(provider, events, o) };
  return entries(provider, scheme, family, events, o, true, text, sourcesOf(mappings)).map((e) => toCase(e, provider, family));
}

/** The seed the valid:non-ascii case falls back to (and `--list` looks with): it finds text for every provider that has some. */
const TEXT_SEED = 'non-ascii';

const firstMapping = (mappings: Map<string, Mapping> | undefined) => {
  const mapping = mappings?.values().next().value;
  return mapping ? { mapping } : {};
};
const sourcesOf = (mappings: Map<string, Mapping> | undefined) => (mappings ? new Map([...mappings].map(([event, m]) => [event, m.source])) : undefined);

function noTextReason(provider: ProviderDef, events: string[], o: Pick<PlanOptions, 'events'>): string {
  return o.events?.length
    ? `the selected events (${events.join(', ')}) carry no text with multi-byte UTF-8 and an emoji`
    : `${provider.id}'s payloads carry no free text (ids, numbers and fixed values only): there is no non-ASCII delivery to send`;
}

/**
 * The valid:non-ascii delivery: a seeded delivery of the plan's events with multi-byte text and an emoji, seeded
 * apart from the valid cases so that it has ids of its own (a receiver must not take it for a duplicate).
 */
function textSample(provider: ProviderDef, events: string[], o: PlanOptions, nowMs: number, mappings: Map<string, Mapping> | undefined): NonAsciiSample | undefined {
  const base = { now: nowMs, ...firstMapping(mappings) };
  const own = nonAsciiSample(provider, { ...base, ...(o.seed !== undefined ? { seed: `${o.seed}:non-ascii` } : {}) }, 200, events);
  return own ?? nonAsciiSample(provider, { ...base, seed: TEXT_SEED }, 200, events);
}

function toCase(e: Entry, provider: ProviderDef, family: ConformanceFamily, request?: CaseRequest, extra: Partial<CaseContext> = {}): ConformanceCase {
  const context: CaseContext = { provider: provider.name, ...extra };
  if (family.kind === 'signature') context.header = family.profile.header;
  const credential = family.kind === 'credential' ? family.cases : family.kind === 'signature' && e.kind.endsWith('credentials') ? family.credential : undefined;
  if (credential) {
    context.credential = credential.words;
    context.header = credential.header;
  }
  if (provider.timeoutMs !== undefined) context.providerTimeoutMs = provider.timeoutMs;
  const c: ConformanceCase = { name: e.name, kind: e.kind, description: e.description, expected: e.expected, required: e.required, context };
  if (e.skip) c.skip = e.skip;
  else if (request) c.request = request;
  return c;
}

/** Checks that the credentials the scheme needs were given; a usage error naming the flag otherwise. */
function requireCredentials(provider: ProviderDef, scheme: Scheme, family: ConformanceFamily, o: PlanOptions): void {
  const secrets = o.secrets ?? [];
  const has = { secret: secrets.length > 0, apiKey: o.apiKey !== undefined, user: o.user !== undefined, licenseCode: o.licenseCode !== undefined };
  if (scheme.needs.oneOf && !scheme.needs.oneOf.some((group) => group.every((name) => has[name]))) {
    const flags = scheme.needs.oneOf.map((group) => group.map((n) => FLAG[n]).join(' and ')).join(' or ');
    throw new UsageError(scheme.needs.oneOf[0]![0] === 'apiKey' ? 'missing_api_key' : 'missing_secret', `${scheme.id === provider.signing.scheme ? provider.id : scheme.label} ${scheme.needsWhat}: pass ${flags} (the ones the receiver expects)`);
  }
  if (family.kind === 'signature' && !has.secret && !scheme.needs.oneOf) {
    throw new UsageError(
      'missing_secret',
      `${family.profile.label} signs deliveries: pass the receiver's secret with --secret (or CG_HOOKS_SECRET), so that the forged cases mean something`,
      `for example: cg-hooks test <url> --provider ${provider.id} --secret "$WEBHOOK_SECRET"`,
    );
  }
  const missing = (['secret', 'licenseCode', 'apiKey', 'user'] as const).filter((n) => scheme.needs[n] === 'required' && !has[n]);
  if (missing.length > 0) throw new UsageError('missing_secret', `${scheme.label} ${scheme.needsWhat}: pass ${missing.map((n) => FLAG[n]).join(' and ')}`);
  for (const [flag, keys] of [['--secret', secrets], ['--retired-secret', o.retiredSecrets ?? []]] as const) {
    for (const s of keys) {
      const problem = scheme.secretProblem?.(s, 'sign');
      if (problem) throw new UsageError('bad_secret', `${flag}: ${problem}`);
    }
  }
  if (o.retiredSecrets?.length && family.kind !== 'signature') {
    throw new UsageError('bad_option', `--retired-secret: ${scheme.label} ${scheme.needsWhat}; a rotation drill needs a signing scheme`);
  }
  // The drill would send the current key as the "retired" one and blame the receiver for still trusting it.
  if (o.retiredSecrets?.some((r) => secrets.includes(r))) {
    throw new UsageError('bad_option', '--retired-secret: the same key as --secret; give the key the sender used before the rotation', 'e.g. --secret "$NEW_SECRET" --retired-secret "$OLD_SECRET"');
  }
}

const FLAG = { secret: '--secret', apiKey: '--api-key', user: '--user', licenseCode: '--license-code' } as const;

/**
 * Builds every case with the exact request to send. Pure: no I/O, and with `seed` and `now` the same
 * options give the same bytes (except Standard Webhooks' random message ids).
 */
export function planCases(provider: ProviderDef, options: PlanOptions = {}): ConformancePlan {
  const o = options;
  const schemeId = o.scheme ?? provider.signing.scheme;
  const { scheme, own } = resolveScheme(provider, schemeId);
  const family = familyOf(scheme, own, o, false);
  requireCredentials(provider, scheme, family, o);
  const events = eventNames(provider, o);
  const nowMs = o.now ?? Date.now();
  const mappings = o.mapping === undefined ? undefined : mappingsFor(provider, o.mapping, events);
  const sample = textSample(provider, events, o, nowMs, mappings);
  const text: TextCase = sample ? {} : { skip: noTextReason(provider, events, o) };
  const list = applySelection(entries(provider, scheme, family, events, o, false, text, sourcesOf(mappings)), o);
  const nowSeconds = Math.floor(nowMs / 1000);
  const secrets = o.secrets ?? [];
  const retired = o.retiredSecrets ?? [];
  const notes: string[] = [];

  // The send core builds the provider's real headers, signed at the plan's clock; the receiver's URL is added at run time.
  const build = (body: Buffer, event: string, overrides: Partial<SignOptions> = {}): CaseRequest & { signed: string[] } => {
    const prepared = buildSendRequest({
      provider,
      url: 'http://receiver.invalid/',
      body,
      event,
      scheme: schemeId,
      timestamp: nowSeconds,
      ...(secrets[0] !== undefined ? { secret: secrets[0] } : {}),
      ...(o.apiKey !== undefined ? { apiKey: o.apiKey } : {}),
      ...(o.user !== undefined ? { user: o.user } : {}),
      ...(o.licenseCode !== undefined ? { licenseCode: o.licenseCode } : {}),
      ...(o.custom !== undefined ? { custom: o.custom } : {}),
      ...(o.headers ? { headers: o.headers } : {}),
      ...overrides,
    });
    return { body, headers: prepared.headers, query: { ...prepared.query }, signed: prepared.signedHeaders };
  };

  const generators = new Map<string, PreparedGenerator>();
  const generator = (event: string) => {
    let g = generators.get(event);
    if (!g) {
      const mapping = mappings?.get(event);
      g = prepareGenerator(provider, event, { ...(o.seed !== undefined ? { seed: o.seed } : {}), now: nowMs, ...(mapping ? { mapping } : {}) });
      generators.set(event, g);
    }
    return g;
  };
  const first = events[0]!;
  // Every forged case gets its own delivery (its own ids), so a receiver that de-duplicates first cannot pass by luck.
  let index = 0;
  const fresh = () => generator(first).make(++index);
  const dedupOf = (payload: Json) => {
    const mapping = mappings?.get(first);
    return mapping ? mappedDedupKey(mapping, payload, findEvent(provider, first).tenantMapping!) : provider.dedupKey?.(payload);
  };
  const signatureFamily = family.kind === 'signature' ? family : undefined;
  const credential = family.kind === 'credential' ? family.cases : family.kind === 'signature' ? family.credential : undefined;

  const firstValid = generator(first).make(0);
  const firstRequest = build(firstValid.body, first);
  const strip = ({ signed: _signed, ...r }: CaseRequest & { signed: string[] }): CaseRequest => r;
  const cases: ConformanceCase[] = [];

  for (const e of list) {
    if (e.skip) {
      cases.push(toCase(e, provider, family));
      continue;
    }
    const extra: Partial<CaseContext> = {};
    let request: CaseRequest;
    switch (e.kind) {
      case 'valid': {
        const d = e.event === first ? firstValid : generator(e.event!).make(0);
        request = e.event === first ? strip(firstRequest) : strip(build(d.body, e.event!));
        if (textProfile(d.body).nonAscii) extra.nonAscii = true;
        break;
      }
      case 'non-ascii': {
        request = strip(build(sample!.delivery.body, sample!.event));
        const excerpt = nonAsciiExcerpt(sample!.delivery.payload);
        extra.nonAscii = true;
        extra.text = `${sample!.event}${mappings?.has(sample!.event) ? ' in the tenant\'s shape' : ''}${excerpt ? `: ${JSON.stringify(excerpt)}` : ''}`;
        break;
      }
      case 'duplicate': {
        request = strip(firstRequest);
        const key = dedupOf(firstValid.payload);
        if (key !== undefined) extra.dedupKey = key;
        break;
      }
      case 'wrong-secret':
        request = strip(build(fresh().body, first, { secret: scheme.wrongSecret!([...secrets, ...retired]) }));
        break;
      case 'missing-signature': {
        const r = build(fresh().body, first);
        request = withHeaders(strip(r), (h) => signatureHeaders(r.signed, signatureFamily!.profile).forEach((name) => deleteHeader(h, name)));
        break;
      }
      case 'truncated-signature':
      case 'garbage-signature': {
        const r = build(fresh().body, first);
        const change = e.kind === 'truncated-signature' ? (digest: string) => digest.slice(0, Math.ceil(digest.length / 2)) : (digest: string) => GARBAGE.padEnd(digest.length, '!');
        request = withHeaders(strip(r), (h) => {
          for (const name of signatureHeaders(r.signed, signatureFamily!.profile)) if (h[name] !== undefined) h[name] = replaceDigest(h[name], change);
        });
        break;
      }
      case 'tampered-body': {
        const d = fresh();
        const r = build(d.body, first);
        const t = tamper(d.payload);
        const body = t ? Buffer.from(JSON.stringify(t.payload), 'utf8') : Buffer.concat([d.body, Buffer.from(' ')]);
        extra.tampered = t?.change ?? 'a space appended after signing';
        request = { ...strip(r), body };
        break;
      }
      case 'stale-timestamp':
      case 'future-timestamp':
        request = strip(build(fresh().body, first, { timestamp: nowSeconds + (e.kind === 'stale-timestamp' ? -SKEW_SECONDS : SKEW_SECONDS) }));
        break;
      case 'wrong-credentials':
      case 'no-credentials': {
        const given = credentialsOf(o);
        const how = e.kind === 'wrong-credentials' ? credential!.wrong(given) : { edit: credential!.remove };
        const r = strip(build(fresh().body, first, 'sign' in how ? (how.sign ?? {}) : {}));
        request = { ...r, headers: { ...r.headers }, query: { ...r.query } };
        how.edit?.(request);
        break;
      }
      case 'malformed-json': {
        const d = fresh();
        // Cut short: still the provider's bytes, so only a parse (not a schema check) can catch it.
        request = strip(build(Buffer.from(d.body.subarray(0, Math.max(1, Math.floor((d.body.length * 2) / 3)))), first));
        break;
      }
      case 'non-compact-body':
        request = strip(build(Buffer.from(JSON.stringify(fresh().payload, null, 2), 'utf8'), first));
        if (textProfile(request.body).nonAscii) extra.nonAscii = true;
        break;
      case 'rotation-new-key':
        request = strip(build(fresh().body, first));
        break;
      case 'rotation-retired-key':
        request = strip(build(fresh().body, first, { secret: retired[0]! }));
        break;
      case 'rotation-both-keys':
        request = strip(build(fresh().body, first, { secrets: [secrets[0]!, retired[0]!] }));
        break;
    }
    cases.push(toCase(e, provider, family, request, extra));
  }

  const duplicate = cases.find((c) => c.kind === 'duplicate');
  if (duplicate) duplicate.repeats = `valid:${first}`;

  if (family.kind !== 'signature') {
    notes.push(
      family.kind === 'none'
        ? `signature cases are skipped: ${provider.id} does not sign deliveries (anyone who knows the URL can post to it: keep it secret and use HTTPS)`
        : `no signature cases: ${provider.id} authenticates with ${authLine(family)}, not a signature of the body`,
    );
  }
  const { signed: _signed, ...control } = firstRequest;
  return { provider: provider.id, scheme: schemeId, auth: authLine(family), cases, notes, control: { name: `valid:${first}`, request: control } };
}
