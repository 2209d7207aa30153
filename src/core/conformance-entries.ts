// The conformance cases that apply to a provider and scheme, in the order they run, without their requests:
// what `cg-hooks test --list` prints and what planCases (conformance.ts) builds requests for.
import type { ProviderDef } from '../providers/types.js';
import type { ConformanceFamily, Scheme } from '../signing/index.js';
import type { CaseKind, Expected, PlanOptions } from './conformance-types.js';

/** Far outside every scheme's tolerance (Standard Webhooks and Stripe allow 5 minutes). */
export const SKEW_SECONDS = 3600;

const ALGORITHM_LABEL: Record<string, string> = { sha1: 'HMAC-SHA1', sha256: 'HMAC-SHA256', sha512: 'HMAC-SHA512', md5: 'HMAC-MD5' };
const SIGNED_OVER = { body: 'the body', 'id.t.body': 'id.timestamp.body', 't.body': 'timestamp.body', 'v0:t:body': 'v0:timestamp:body' } as const;

export function authLine(family: ConformanceFamily): string {
  if (family.kind === 'none') return 'no signature';
  if (family.kind === 'credential') return family.cases.auth;
  const p = family.profile;
  return `${p.header}, ${ALGORITHM_LABEL[p.algorithm]} of ${SIGNED_OVER[p.content]}${family.credential ? `; ${family.credential.auth}` : ''}`;
}

export interface Entry {
  name: string;
  kind: CaseKind;
  description: string;
  expected: Expected;
  required: boolean;
  skip?: string;
  event?: string;
}

/** Why the `valid:non-ascii` case is skipped: the events have no text to send (the planner quotes what it sends). */
export interface TextCase {
  skip?: string;
}

/**
 * The cases that apply to a provider and scheme, in the order they run, without their requests. `mappedBy`: the
 * events a tenant mapping reshapes, with the mapping's file name.
 */
export function entries(provider: ProviderDef, scheme: Scheme, family: ConformanceFamily, events: string[], o: PlanOptions, forList: boolean, text: TextCase, mappedBy?: ReadonlyMap<string, string>): Entry[] {
  const ok: Expected = provider.retry.success === '200' ? '200' : '2xx';
  const how = family.kind === 'none' ? 'built' : 'authenticated';
  const shape = (event: string) => (mappedBy?.has(event) ? ` in the tenant's shape (${mappedBy.get(event)})` : '');
  const list: Entry[] = events.map((event) => ({
    name: `valid:${event}`,
    kind: 'valid' as const,
    description: `a correctly ${how} ${event} delivery${shape(event)}`,
    expected: ok,
    required: true,
    event,
  }));
  // Real tenants' text is not ASCII: a receiver that decodes or re-encodes the body with a lossy charset before
  // checking it refuses these deliveries in production while passing every ASCII test.
  list.push({
    name: 'valid:non-ascii',
    kind: 'non-ascii',
    description: `a correctly ${how} delivery whose text has multi-byte UTF-8 (é, ₹) and an emoji`,
    expected: ok,
    required: true,
    ...(text.skip ? { skip: text.skip } : {}),
  });
  list.push({ name: 'duplicate', kind: 'duplicate', description: `the first valid delivery again, byte for byte (providers retry: acknowledge it)`, expected: ok, required: true });

  const signatureCases: Entry[] = [
    { name: 'wrong-secret', kind: 'wrong-secret', description: 'signed with a wrong secret', expected: '4xx', required: true },
    { name: 'missing-signature', kind: 'missing-signature', description: 'no signature header', expected: '4xx', required: true },
    { name: 'tampered-body', kind: 'tampered-body', description: 'body changed after signing', expected: '4xx', required: true },
    { name: 'truncated-signature', kind: 'truncated-signature', description: 'signature cut to half its length', expected: '4xx', required: true },
    { name: 'garbage-signature', kind: 'garbage-signature', description: 'signature replaced by text that is not a digest', expected: '4xx', required: true },
  ];
  const credentialCases = (words: string, skip?: string): Entry[] =>
    [
      { name: 'wrong-credentials', kind: 'wrong-credentials' as const, description: `wrong ${words}`, expected: '401/403' as const, required: true },
      { name: 'no-credentials', kind: 'no-credentials' as const, description: `no ${words}`, expected: '401/403' as const, required: true },
    ].map((e) => (skip ? { ...e, skip } : e));

  if (family.kind === 'signature') {
    list.push(...signatureCases);
    if (family.credential) list.push(...credentialCases(family.credential.words));
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
    if (o.retiredSecrets?.length) list.push(...rotationEntries(scheme, ok, o.overlap === true));
  } else if (family.kind === 'none') {
    // Listed, not silently dropped: the report should show that nothing authenticates these deliveries.
    list.push(...signatureCases.map((e) => ({ ...e, skip: `${provider.id} does not sign deliveries` })));
  } else {
    list.push(...credentialCases(family.cases.words, forList ? undefined : family.cases.skip?.(credentialsOf(o))));
  }

  list.push({ name: 'malformed-json', kind: 'malformed-json', description: 'a body that is not JSON (cut short), correctly authenticated', expected: '4xx', required: true });
  if (family.kind === 'signature') {
    const advisory = scheme.conformance.reserializingSamples === true;
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

/** The key rotation drill: the new key is accepted, the retired one refused (or accepted during an overlap), both at once accepted. */
function rotationEntries(scheme: Scheme, ok: Expected, overlap: boolean): Entry[] {
  const both: Entry = { name: 'rotation:both-keys', kind: 'rotation-both-keys', description: 'signed with the new and the retired key in one header (as senders do during a rotation)', expected: ok, required: true };
  return [
    { name: 'rotation:new-key', kind: 'rotation-new-key', description: 'signed with the new key (the first --secret) only', expected: ok, required: true },
    {
      name: 'rotation:retired-key',
      kind: 'rotation-retired-key',
      description: `signed with the retired key only${overlap ? ' (--overlap: still accepted)' : ''}`,
      expected: overlap ? ok : '4xx',
      required: true,
    },
    scheme.multiSign ? both : { ...both, skip: `${scheme.label} carries one signature per delivery: there is no header with both keys` },
  ];
}

export const credentialsOf = (o: PlanOptions) => ({ secrets: o.secrets ?? [], ...(o.apiKey !== undefined ? { apiKey: o.apiKey } : {}), ...(o.user !== undefined ? { user: o.user } : {}), ...(o.licenseCode !== undefined ? { licenseCode: o.licenseCode } : {}) });
