import { buildSendRequest } from '../http/request.js';
import { findEvent } from '../providers/index.js';
import type { Json, ProviderDef, SchemeId } from '../providers/types.js';
import { profileOf, secretProblem, signRequest, type CustomHmac, type HmacProfile, type SignOptions } from '../signing/index.js';
import { UsageError } from '../output/errors.js';
import { didYouMean } from './suggest.js';
import { prepareGenerator, type PreparedGenerator } from './generate.js';
import { deleteHeader, GARBAGE, replaceDigest, signatureHeaders, tamper, withHeaders, wrongSecretFor, wrongUser } from './forge.js';

export { tamper } from './forge.js';

// Receiver conformance: which deliveries to send a receiver, and what it must answer to each.
// Planning is pure (no I/O); src/http/conformance.ts sends, src/core/judge.ts judges.

/** What a receiver must answer. `raw-bytes`: 2xx proves it verifies the bytes it received. */
export type Expected = '2xx' | '200' | '4xx' | '401/403' | 'raw-bytes';

export type CaseKind =
  | 'valid'
  | 'duplicate'
  | 'wrong-secret'
  | 'missing-signature'
  | 'tampered-body'
  | 'truncated-signature'
  | 'garbage-signature'
  | 'wrong-credentials'
  | 'no-credentials'
  | 'stale-timestamp'
  | 'future-timestamp'
  | 'malformed-json'
  | 'non-compact-body';

/** Exactly what is sent for one case: these bytes, these headers, these query parameters (added to the URL). */
export interface CaseRequest {
  body: Buffer;
  headers: Record<string, string>;
  query: Record<string, string>;
}

/** Words the judge puts in its hints, so they name the real header, provider and ids. */
export interface CaseContext {
  provider: string;
  /** The header (or query parameter) carrying the signature or credential. */
  header?: string;
  /** What the credential is, for hints: "basic auth", "X-API-KEY", "the secret query parameter". */
  credential?: string;
  /** The delivery's de-duplication key, when the provider has one. */
  dedupKey?: string;
  /** The provider's documented response timeout in ms (latency is judged against it). */
  providerTimeoutMs?: number;
  /** Set on tampered-body: what changed after signing. */
  tampered?: string;
}

export interface ConformanceCase {
  /** Stable, selectable name: `valid:<event>`, `duplicate`, `wrong-secret`, … */
  name: string;
  kind: CaseKind;
  description: string;
  expected: Expected;
  /** Required cases decide the exit code; advisory ones can only warn. */
  required: boolean;
  /** Absent when the case is skipped. */
  request?: CaseRequest;
  /** Why the case is not run. */
  skip?: string;
  /** For `duplicate`: the case whose exact request it repeats (sent first, unjudged, when that case is not run). */
  repeats?: string;
  context: CaseContext;
}

export interface ConformancePlan {
  provider: string;
  scheme: SchemeId;
  /** One line describing what authenticates a delivery ("X-CG-SIGNATURE, HMAC-SHA1 of the body"). */
  auth: string;
  cases: ConformanceCase[];
  /** Things the user should know (e.g. "signature cases are skipped: reward does not sign"). */
  notes: string[];
  /**
   * The first valid delivery, whether or not its case was selected. A 4xx to a forged delivery proves something
   * only if the receiver accepts a genuine one: when no valid case runs, this is sent first, unjudged, as a control.
   */
  control?: { name: string; request: CaseRequest };
}

export interface PlanOptions {
  /** Sign with another scheme than the provider's (`--scheme`). */
  scheme?: SchemeId;
  /** The receiver's secret(s); the first signs, none of them is used for the wrong-secret case. */
  secrets?: string[];
  apiKey?: string;
  /** `user:password` for HTTP Basic auth. */
  user?: string;
  licenseCode?: string;
  custom?: CustomHmac;
  /** Extra headers on every request (Rehook's custom headers). */
  headers?: Array<[string, string]>;
  /** Only these events get a `valid:` case (default: every event of the provider). */
  events?: string[];
  /** Case names or prefixes (`valid` selects every `valid:` case). */
  only?: string[];
  skip?: string[];
  seed?: number | string;
  /** The clock in ms since the epoch (payload times and signature timestamps). */
  now?: number;
}

/** Providers whose own sample receivers verify `JSON.stringify(req.body)` rather than the raw bytes. */
const RESERIALIZING = new Set<SchemeId>(['customerglu', 'mgpass']);
/** Far outside every scheme's tolerance (Standard Webhooks and Stripe allow 5 minutes). */
export const SKEW_SECONDS = 3600;

type Family =
  | { kind: 'hmac'; profile: HmacProfile; apiKey: boolean }
  | { kind: 'credentials'; credential: 'basic' | 'api-key' | 'webengage' }
  | { kind: 'none' };

function familyOf(provider: ProviderDef, scheme: SchemeId, o: Pick<PlanOptions, 'custom' | 'apiKey' | 'secrets'>, forList: boolean): Family {
  switch (scheme) {
    case 'none':
      return { kind: 'none' };
    case 'basic':
    case 'api-key':
    case 'webengage':
      return { kind: 'credentials', credential: scheme };
    case 'segment': {
      // Segment signs only with a shared secret; CustomerGlu's endpoint checks its X-API-KEY.
      const hasSecret = forList || (o.secrets?.length ?? 0) > 0;
      if (!hasSecret && o.apiKey !== undefined) return { kind: 'credentials', credential: 'api-key' };
      return { kind: 'hmac', profile: profileOf('segment')!, apiKey: forList || o.apiKey !== undefined };
    }
    default: {
      const own = scheme === provider.signing.scheme ? provider.signing : undefined;
      const profile = profileOf(scheme, own, o.custom);
      if (!profile) throw new UsageError('unsupported_scheme', `unknown signing scheme ${scheme}`);
      return { kind: 'hmac', profile, apiKey: false };
    }
  }
}

const ALGORITHM_LABEL: Record<string, string> = { sha1: 'HMAC-SHA1', sha256: 'HMAC-SHA256', sha512: 'HMAC-SHA512', md5: 'HMAC-MD5' };

function authLine(family: Family): string {
  if (family.kind === 'none') return 'no signature';
  if (family.kind === 'credentials') {
    return { basic: 'HTTP Basic auth', 'api-key': 'X-API-KEY', webengage: 'query secret=md5(licenseCode:secret)' }[family.credential];
  }
  const p = family.profile;
  const over = { body: 'the body', 'id.t.body': 'id.timestamp.body', 't.body': 'timestamp.body', 'v0:t:body': 'v0:timestamp:body' }[p.content];
  return `${p.header}, ${ALGORITHM_LABEL[p.algorithm]} of ${over}${family.apiKey ? '; X-API-KEY' : ''}`;
}

const credentialWords = { basic: 'basic auth (Authorization)', 'api-key': 'X-API-KEY', webengage: 'the secret query parameter' } as const;

interface Entry {
  name: string;
  kind: CaseKind;
  description: string;
  expected: Expected;
  required: boolean;
  skip?: string;
  event?: string;
}

/** The cases that apply to a provider and scheme, in the order they run, without their requests. */
function entries(provider: ProviderDef, scheme: SchemeId, family: Family, events: string[], o: PlanOptions, forList: boolean): Entry[] {
  const ok: Expected = provider.retry.success === '200' ? '200' : '2xx';
  const list: Entry[] = events.map((event) => ({
    name: `valid:${event}`,
    kind: 'valid' as const,
    description: `a correctly ${family.kind === 'none' ? 'built' : 'authenticated'} ${event} delivery`,
    expected: ok,
    required: true,
    event,
  }));
  list.push({ name: 'duplicate', kind: 'duplicate', description: `the first valid delivery again, byte for byte (providers retry: acknowledge it)`, expected: ok, required: true });

  const signatureCases: Entry[] = [
    { name: 'wrong-secret', kind: 'wrong-secret', description: 'signed with a wrong secret', expected: '4xx', required: true },
    { name: 'missing-signature', kind: 'missing-signature', description: 'no signature header', expected: '4xx', required: true },
    { name: 'tampered-body', kind: 'tampered-body', description: 'body changed after signing', expected: '4xx', required: true },
    { name: 'truncated-signature', kind: 'truncated-signature', description: 'signature cut to half its length', expected: '4xx', required: true },
    { name: 'garbage-signature', kind: 'garbage-signature', description: 'signature replaced by text that is not a digest', expected: '4xx', required: true },
  ];
  const credentialCases = (credential: keyof typeof credentialWords, skip?: string): Entry[] =>
    [
      { name: 'wrong-credentials', kind: 'wrong-credentials' as const, description: `wrong ${credentialWords[credential]}`, expected: '401/403' as const, required: true },
      { name: 'no-credentials', kind: 'no-credentials' as const, description: `no ${credentialWords[credential]}`, expected: '401/403' as const, required: true },
    ].map((e) => (skip ? { ...e, skip } : e));

  if (family.kind === 'hmac') {
    list.push(...signatureCases);
    if (family.apiKey) list.push(...credentialCases('api-key'));
    // Schemes that sign a timestamp say (in their profile) what their reference verifiers reject: a receiver
    // written exactly as the scheme documents must pass, so what the scheme does not check is advisory.
    const freshness = family.profile.freshness;
    if (freshness) {
      list.push(
        { name: 'stale-timestamp', kind: 'stale-timestamp', description: `correctly signed, timestamp ${SKEW_SECONDS / 60} min old`, expected: '4xx', required: true },
        {
          name: 'future-timestamp',
          kind: 'future-timestamp',
          description: `correctly signed, timestamp ${SKEW_SECONDS / 60} min in the future${freshness.rejectsFuture ? '' : ` (advisory: ${freshness.source})`}`,
          expected: '4xx',
          required: freshness.rejectsFuture,
        },
      );
    }
  } else if (family.kind === 'none') {
    // Listed, not silently dropped: the report should show that nothing authenticates these deliveries.
    list.push(...signatureCases.map((e) => ({ ...e, skip: `${provider.id} does not sign deliveries` })));
  } else {
    const missing = !forList && family.credential === 'basic' && o.user === undefined;
    list.push(...credentialCases(family.credential, missing ? 'no --user given (basic auth is optional for this provider): pass --user u:p to test it' : undefined));
  }

  list.push({ name: 'malformed-json', kind: 'malformed-json', description: 'a body that is not JSON (cut short), correctly authenticated', expected: '4xx', required: true });
  if (family.kind === 'hmac') {
    const advisory = RESERIALIZING.has(scheme);
    list.push({
      name: 'non-compact-body',
      kind: 'non-compact-body',
      description: `indented JSON signed over exactly its bytes${advisory ? ` (advisory: ${provider.name}'s samples re-serialize)` : ''}`,
      expected: 'raw-bytes',
      required: !advisory,
    });
  }
  return list;
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

/** The case list for `--list`: names, expectations and descriptions, no credentials needed. */
export function listCases(provider: ProviderDef, o: Pick<PlanOptions, 'scheme' | 'custom' | 'events'> = {}): ConformanceCase[] {
  const scheme = o.scheme ?? provider.signing.scheme;
  const family = familyOf(provider, scheme, o, true);
  return entries(provider, scheme, family, eventNames(provider, o), o, true).map((e) => toCase(e, provider, family));
}

function toCase(e: Entry, provider: ProviderDef, family: Family, request?: CaseRequest, extra: Partial<CaseContext> = {}): ConformanceCase {
  const context: CaseContext = { provider: provider.name, ...extra };
  if (family.kind === 'hmac') context.header = family.profile.header;
  if (family.kind === 'credentials' || (family.kind === 'hmac' && e.kind.endsWith('credentials'))) {
    const credential = family.kind === 'credentials' ? family.credential : 'api-key';
    context.credential = credentialWords[credential];
    context.header = { basic: 'Authorization', 'api-key': 'X-API-KEY', webengage: 'secret' }[credential];
  }
  if (provider.timeoutMs !== undefined) context.providerTimeoutMs = provider.timeoutMs;
  const c: ConformanceCase = { name: e.name, kind: e.kind, description: e.description, expected: e.expected, required: e.required, context };
  if (e.skip) c.skip = e.skip;
  else if (request) c.request = request;
  return c;
}

/** Checks that the credentials the scheme needs were given; a usage error naming the flag otherwise. */
function requireCredentials(provider: ProviderDef, scheme: SchemeId, family: Family, o: PlanOptions): void {
  const secret = o.secrets?.[0];
  if (family.kind === 'hmac') {
    if (secret === undefined && scheme === 'segment') {
      throw new UsageError('missing_secret', 'segment: pass --secret (the shared secret behind X-Signature) and/or --api-key (the X-API-KEY the receiver expects)');
    }
    if (secret === undefined) {
      throw new UsageError(
        'missing_secret',
        `${family.profile.label} signs deliveries: pass the receiver's secret with --secret (or CG_HOOKS_SECRET), so that the forged cases mean something`,
        `for example: cg-hooks test <url> --provider ${provider.id} --secret "$WEBHOOK_SECRET"`,
      );
    }
    for (const s of o.secrets ?? []) {
      const problem = secretProblem(family.profile, s);
      if (problem) throw new UsageError('bad_secret', `--secret: ${problem}`);
    }
  } else if (family.kind === 'credentials') {
    if (family.credential === 'api-key' && o.apiKey === undefined && secret === undefined) {
      throw new UsageError('missing_api_key', `${provider.id} authenticates with X-API-KEY: pass the key the receiver expects with --api-key`);
    }
    if (family.credential === 'webengage' && (o.licenseCode === undefined || secret === undefined)) {
      throw new UsageError('missing_secret', `${scheme} puts md5(licenseCode:secret) in the URL: pass --license-code and --secret`);
    }
  }
}

/**
 * Builds every case with the exact request to send. Pure: no I/O, and with `seed` and `now` the same
 * options give the same bytes (except Standard Webhooks' random message ids).
 */
export function planCases(provider: ProviderDef, options: PlanOptions = {}): ConformancePlan {
  const o = options;
  const scheme = o.scheme ?? provider.signing.scheme;
  const family = familyOf(provider, scheme, o, false);
  requireCredentials(provider, scheme, family, o);
  const events = eventNames(provider, o);
  const list = applySelection(entries(provider, scheme, family, events, o, false), o);
  const nowMs = o.now ?? Date.now();
  const nowSeconds = Math.floor(nowMs / 1000);
  const secrets = o.secrets ?? [];
  const secret = secrets[0];
  const notes: string[] = [];

  const signOptions = (overrides: Partial<SignOptions> = {}): SignOptions => {
    const s: SignOptions = { scheme, timestamp: nowSeconds };
    if (secret !== undefined) s.secret = secret;
    if (o.apiKey !== undefined) s.apiKey = o.apiKey;
    if (o.user !== undefined) s.user = o.user;
    if (o.licenseCode !== undefined) s.licenseCode = o.licenseCode;
    if (o.custom !== undefined) s.custom = o.custom;
    return { ...s, ...overrides };
  };

  // The send core builds the provider's real headers; the receiver's URL is added at run time.
  const build = (body: Buffer, event: string, overrides: Partial<SignOptions> = {}): CaseRequest & { signed: string[] } => {
    const so = signOptions(overrides);
    const prepared = buildSendRequest({
      provider,
      url: 'http://receiver.invalid/',
      body,
      event,
      scheme,
      ...(so.secret !== undefined ? { secret: so.secret } : {}),
      ...(so.apiKey !== undefined ? { apiKey: so.apiKey } : {}),
      ...(so.user !== undefined ? { user: so.user } : {}),
      ...(so.licenseCode !== undefined ? { licenseCode: so.licenseCode } : {}),
      ...(so.custom !== undefined ? { custom: so.custom } : {}),
      ...(o.headers ? { headers: o.headers } : {}),
    });
    const headers = prepared.headers;
    // buildSendRequest signs "now"; timestamped cases (and a pinned clock) need their own timestamp.
    if (family.kind === 'hmac' && family.profile.content !== 'body') {
      const signed = signRequest(provider.signing, body, so);
      for (const [name, value] of Object.entries(signed.headers)) {
        deleteHeader(headers, name);
        headers[name] = value;
      }
    }
    return { body, headers, query: { ...prepared.query }, signed: prepared.signedHeaders };
  };

  const generators = new Map<string, PreparedGenerator>();
  const generator = (event: string) => {
    let g = generators.get(event);
    if (!g) {
      g = prepareGenerator(provider, event, { ...(o.seed !== undefined ? { seed: o.seed } : {}), now: nowMs });
      generators.set(event, g);
    }
    return g;
  };
  const first = events[0]!;
  // Every forged case gets its own delivery (its own ids), so a receiver that de-duplicates first cannot pass by luck.
  let index = 0;
  const fresh = () => generator(first).make(++index);
  const dedupOf = (payload: Json) => provider.dedupKey?.(payload);

  const firstValid = generator(first).make(0);
  const firstRequest = build(firstValid.body, first);
  const cases: ConformanceCase[] = [];

  for (const e of list) {
    if (e.skip) {
      cases.push(toCase(e, provider, family));
      continue;
    }
    const extra: Partial<CaseContext> = {};
    let request: CaseRequest;
    const strip = ({ signed: _signed, ...r }: CaseRequest & { signed: string[] }): CaseRequest => r;
    switch (e.kind) {
      case 'valid': {
        const d = e.event === first ? firstValid : generator(e.event!).make(0);
        request = e.event === first ? strip(firstRequest) : strip(build(d.body, e.event!));
        break;
      }
      case 'duplicate': {
        request = strip(firstRequest);
        const key = dedupOf(firstValid.payload);
        if (key !== undefined) extra.dedupKey = key;
        break;
      }
      case 'wrong-secret': {
        const d = fresh();
        request = strip(build(d.body, first, { secret: wrongSecretFor((family as Extract<Family, { kind: 'hmac' }>).profile, secrets) }));
        break;
      }
      case 'missing-signature': {
        const d = fresh();
        const r = build(d.body, first);
        const profile = (family as Extract<Family, { kind: 'hmac' }>).profile;
        request = withHeaders(strip(r), (h) => signatureHeaders(r.signed, profile).forEach((name) => deleteHeader(h, name)));
        break;
      }
      case 'truncated-signature':
      case 'garbage-signature': {
        const d = fresh();
        const r = build(d.body, first);
        const profile = (family as Extract<Family, { kind: 'hmac' }>).profile;
        const change = e.kind === 'truncated-signature' ? (digest: string) => digest.slice(0, Math.ceil(digest.length / 2)) : (digest: string) => GARBAGE.padEnd(digest.length, '!');
        request = withHeaders(strip(r), (h) => {
          for (const name of signatureHeaders(r.signed, profile)) if (h[name] !== undefined) h[name] = replaceDigest(h[name], change);
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
      case 'future-timestamp': {
        const d = fresh();
        const skew = e.kind === 'stale-timestamp' ? -SKEW_SECONDS : SKEW_SECONDS;
        request = strip(build(d.body, first, { timestamp: nowSeconds + skew }));
        break;
      }
      case 'wrong-credentials':
      case 'no-credentials': {
        const d = fresh();
        const credential = family.kind === 'credentials' ? family.credential : 'api-key';
        const wrong = e.kind === 'wrong-credentials';
        if (credential === 'basic') {
          request = wrong ? strip(build(d.body, first, { user: wrongUser(o.user!) })) : withHeaders(strip(build(d.body, first)), (h) => deleteHeader(h, 'Authorization'));
        } else if (credential === 'api-key') {
          const key = o.apiKey ?? secret!;
          // Same length as the real key: a rotated or mistyped key, not a comparison crash.
          const wrongKey = `${key.slice(0, -1)}${key.endsWith('x') ? 'y' : 'x'}`;
          request = withHeaders(strip(build(d.body, first)), (h) => {
            deleteHeader(h, 'X-API-KEY');
            if (wrong) h['X-API-KEY'] = wrongKey;
          });
        } else {
          const r = strip(build(d.body, first, wrong ? { secret: `${secret}-wrong` } : {}));
          if (!wrong) delete r.query.secret;
          request = r;
        }
        break;
      }
      case 'malformed-json': {
        const d = fresh();
        // Cut short: still the provider's bytes, so only a parse (not a schema check) can catch it.
        const body = d.body.subarray(0, Math.max(1, Math.floor((d.body.length * 2) / 3)));
        request = strip(build(Buffer.from(body), first));
        break;
      }
      case 'non-compact-body': {
        const d = fresh();
        request = strip(build(Buffer.from(JSON.stringify(d.payload, null, 2), 'utf8'), first));
        break;
      }
    }
    cases.push(toCase(e, provider, family, request, extra));
  }

  const duplicate = cases.find((c) => c.kind === 'duplicate');
  if (duplicate) duplicate.repeats = `valid:${first}`;

  if (family.kind !== 'hmac') {
    notes.push(
      family.kind === 'none'
        ? `signature cases are skipped: ${provider.id} does not sign deliveries (anyone who knows the URL can post to it: keep it secret and use HTTPS)`
        : `no signature cases: ${provider.id} authenticates with ${authLine(family)}, not a signature of the body`,
    );
  }
  const { signed: _signed, ...control } = firstRequest;
  return { provider: provider.id, scheme, auth: authLine(family), cases, notes, control: { name: `valid:${first}`, request: control } };
}
