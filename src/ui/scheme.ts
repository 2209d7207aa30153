// Which signing scheme an entry belongs to, asked of the registry (src/signing/registry.ts), never named here:
// the scheme the listener reported checking it with (`signature.scheme`: `--scheme`, the provider's own, or a
// generic one whose header the delivery carried), else the one `--scheme` fixes, else the provider's own.
// Re-signing and the diagnosis both start from it, so they agree with the listener's verdict.
import type { ProviderDef } from '../providers/types.js';
import { schemeById, schemeFor, type Scheme } from '../signing/index.js';
import type { CustomHmac, SchemeId, SigningSpec } from '../signing/types.js';
import type { ReportLike } from './store.js';

/** `listen --scheme <id>` (with `--scheme hmac`'s custom HMAC), as the listener's options hold it. */
export interface FixedSchemeLike {
  id: SchemeId;
  custom?: CustomHmac;
}

export interface EntryScheme {
  scheme: Scheme;
  /** The spec the diagnosis starts from: the provider's, or the scheme's alone when no provider was recognised. */
  spec: SigningSpec;
  /** The scheme to pass as `options.scheme` when it is not the provider's own. */
  override?: SchemeId;
  /** The provider's spec when the scheme is its own (the header it names). */
  own?: SigningSpec;
  custom?: CustomHmac;
}

const reportedScheme = (report: ReportLike): string | undefined => {
  const s = (report.signature as { scheme?: unknown } | undefined)?.scheme;
  return typeof s === 'string' ? s : undefined;
};

export function entryScheme(report: ReportLike, provider: ProviderDef | undefined, fixed: FixedSchemeLike | undefined): EntryScheme | undefined {
  const id = reportedScheme(report) ?? fixed?.id ?? provider?.signing.scheme;
  const scheme = id === undefined ? undefined : schemeById(id);
  if (!scheme) return undefined;
  const custom = fixed !== undefined && fixed.id === scheme.id ? fixed.custom : undefined;
  const extra = custom !== undefined ? { custom } : {};
  if (!provider) return { scheme, spec: { scheme: scheme.id, secretRequired: false, description: scheme.label }, ...extra };
  const choice = schemeFor(provider.signing, scheme.id === provider.signing.scheme ? undefined : scheme.id);
  return {
    scheme,
    spec: provider.signing,
    ...(scheme.id !== provider.signing.scheme ? { override: scheme.id } : {}),
    ...(choice?.own ? { own: choice.own } : {}),
    ...extra,
  };
}

/** What the page shows about the scheme of an entry. */
export function signingView(es: EntryScheme | undefined): { id: string; label: string; kind: string } | null {
  return es ? { id: es.scheme.id, label: es.scheme.label, kind: es.scheme.kind } : null;
}
