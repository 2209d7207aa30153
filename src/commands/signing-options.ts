// The one place that turns flags into signing: the scheme (a provider's, or --scheme), the key ring (--secret,
// else CG_HOOKS_SECRET: an empty value is unset), the other credentials, and SignOptions / VerifyOptions. sign,
// verify, send, listen, replay, test, scenario and demo all resolve them here; what each scheme needs comes from
// the scheme (src/signing/schemes/), so nothing here names one.
import type { Command } from 'commander';
import * as z from 'zod/mini';
import { HTTP_TOKEN } from '../core/capture.js';
import { didYouMean } from '../core/suggest.js';
import { loadProvider } from '../providers/index.js';
import type { ProviderDef, SchemeId, SigningSpec } from '../providers/types.js';
import { UsageError } from '../output/errors.js';
import { schemeById, schemeFor, schemeIds, type Credentials, type Scheme } from '../signing/index.js';
import type { CredentialName } from '../signing/schemes/types.js';
import type { CustomHmac, RequestParts, SignOptions, VerifyOptions } from '../signing/types.js';
import { collect, parseTime } from './shared.js';

export const SCHEME_IDS: readonly SchemeId[] = schemeIds();

export const SigningFlags = z.object({
  scheme: z.optional(z.string()),
  secret: z.optional(z.array(z.string())),
  apiKey: z.optional(z.string()),
  user: z.optional(z.string()),
  licenseCode: z.optional(z.string()),
  algorithm: z.optional(z.enum(['sha1', 'sha256', 'sha512', 'md5'])),
  signatureHeader: z.optional(z.string()),
  encoding: z.optional(z.enum(['hex', 'base64'])),
  prefix: z.optional(z.string()),
  timestamp: z.optional(z.string()),
  id: z.optional(z.string()),
});
export type SigningFlagValues = z.infer<typeof SigningFlags>;

export function addSigningFlags(cmd: Command): Command {
  return cmd
    .option('--scheme <id>', `signing scheme instead of (or without) a provider: ${SCHEME_IDS.join(', ')}`)
    .option('--secret <s>', 'HMAC secret / token / whsec_ key / whsk_ key (default: $CG_HOOKS_SECRET); repeatable (key ring); never printed', collect)
    .option('--api-key <k>', 'X-API-KEY for the CustomerGlu Events API and its source endpoints')
    .option('--user <user:password>', 'HTTP Basic credentials (Rehook)')
    .option('--license-code <code>', 'WebEngage license code (query licenseCode)')
    .option('--timestamp <t>', 'timestamp for stripe, slack, standard-webhooks: unix seconds or ISO-8601 (UTC unless it gives a zone)')
    .option('--id <msg_id>', 'Standard Webhooks message id (webhook-id)')
    .option('--algorithm <a>', '--scheme hmac: sha1, sha256 (default), sha512 or md5')
    .option('--signature-header <name>', '--scheme hmac: the header (default X-Signature)')
    .option('--encoding <e>', '--scheme hmac: hex (default) or base64')
    .option('--prefix <text>', '--scheme hmac: text before the digest, e.g. "sha256="');
}

/** CG_HOOKS_SECRET, read one way everywhere: unset or empty means no secret. */
export function envSecret(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env.CG_HOOKS_SECRET;
  return value !== undefined && value !== '' ? value : undefined;
}

/** --secret values (a key ring), else CG_HOOKS_SECRET; empty when neither is set. */
export function secretsFrom(flags: { secret?: string[] | string | undefined }, env: NodeJS.ProcessEnv = process.env): string[] {
  const given = typeof flags.secret === 'string' ? [flags.secret] : flags.secret;
  if (given && given.length > 0) return given;
  const fromEnv = envSecret(env);
  return fromEnv !== undefined ? [fromEnv] : [];
}

/** The credentials a receiver holds (listen, and the checks of verify): the key ring and the rest. */
export function credentialsFrom(flags: { secret?: string[] | string; apiKey?: string; user?: string; licenseCode?: string }, env: NodeJS.ProcessEnv = process.env): Credentials {
  if (flags.user !== undefined && !flags.user.includes(':')) throw new UsageError('bad_option', '--user: expected user:password');
  return {
    secrets: secretsFrom(flags, env),
    ...(flags.apiKey !== undefined ? { apiKey: flags.apiKey } : {}),
    ...(flags.user !== undefined ? { user: flags.user } : {}),
    ...(flags.licenseCode !== undefined ? { licenseCode: flags.licenseCode } : {}),
  };
}

export function parseScheme(text: string): SchemeId {
  if (schemeById(text)) return text as SchemeId;
  const guess = didYouMean(text, SCHEME_IDS);
  throw new UsageError('unknown_scheme', `unknown scheme "${text}"${guess ? ` (did you mean "${guess}"?)` : ''}; valid schemes: ${SCHEME_IDS.join(', ')}`);
}

/** The custom HMAC of a configurable scheme (`--scheme hmac`) from its flags; a usage error for those flags elsewhere. */
export function customHmacFrom(scheme: Scheme, flags: Pick<SigningFlagValues, 'algorithm' | 'signatureHeader' | 'encoding' | 'prefix'>): CustomHmac | undefined {
  const customFlags = flags.algorithm ?? flags.signatureHeader ?? flags.encoding ?? flags.prefix;
  if (!scheme.configurable) {
    if (customFlags !== undefined) throw new UsageError('bad_option', '--algorithm, --signature-header, --encoding and --prefix describe a custom HMAC: use them with --scheme hmac');
    return undefined;
  }
  return { algorithm: flags.algorithm ?? 'sha256', header: flags.signatureHeader ?? 'X-Signature', encoding: flags.encoding ?? 'hex', ...(flags.prefix !== undefined ? { prefix: flags.prefix } : {}) };
}

export interface Signing {
  provider?: ProviderDef;
  spec: SigningSpec;
  scheme: SchemeId;
  /** The scheme itself, from the registry. */
  def: Scheme;
  /** The provider's spec when the scheme is its own (an overriding scheme must not inherit its header). */
  own?: SigningSpec;
  /** Set when --scheme overrides (or replaces) the provider's scheme. */
  override?: SchemeId;
  custom?: CustomHmac;
  /** "customerglu" or "scheme stripe", for messages. */
  name: string;
}

/** The signing spec from `<provider>` and/or `--scheme`; a usage error when neither is given. */
export async function resolveSigning(providerId: string | undefined, flags: SigningFlagValues, command: string): Promise<Signing> {
  checkHeaderText(flags);
  const override = flags.scheme !== undefined ? parseScheme(flags.scheme) : undefined;
  if (providerId === undefined && override === undefined) {
    throw new UsageError('missing_provider', `${command} needs a provider or --scheme`, `e.g. \`cg-hooks ${command} customerglu …\` or \`cg-hooks ${command} --scheme github …\`; run \`cg-hooks providers\` for the list`);
  }
  const provider = providerId !== undefined ? await loadProvider(providerId).catch((e: unknown) => Promise.reject(schemeAsProvider(providerId, command) ?? e)) : undefined;
  const scheme = override ?? provider!.signing.scheme;
  const spec: SigningSpec = provider?.signing ?? { scheme, secretRequired: true, description: `--scheme ${scheme}` };
  const choice = schemeFor(spec, scheme === spec.scheme ? undefined : scheme)!;
  const custom = customHmacFrom(choice.scheme, flags);
  return {
    ...(provider ? { provider } : {}),
    spec,
    scheme,
    def: choice.scheme,
    ...(choice.own ? { own: choice.own } : {}),
    ...(override !== undefined && override !== provider?.signing.scheme ? { override } : {}),
    ...(custom ? { custom } : {}),
    name: provider ? (override && override !== provider.signing.scheme ? `${provider.id} (--scheme ${override})` : provider.id) : `--scheme ${scheme}`,
  };
}

/**
 * Flags that end up in a header line: a header name must be an HTTP token, a value must have no control characters.
 * A newline in --prefix or --id printed an extra "X-Evil: 1" line for curl -H (and send failed deep in the client).
 */
function checkHeaderText(flags: SigningFlagValues): void {
  if (flags.signatureHeader !== undefined && !HTTP_TOKEN.test(flags.signatureHeader)) {
    throw new UsageError('bad_option', `--signature-header: ${JSON.stringify(flags.signatureHeader)} is not an HTTP header name`, 'letters, digits and - only, e.g. X-Signature');
  }
  for (const [flag, value] of [['--prefix', flags.prefix], ['--id', flags.id]] as const) {
    // eslint-disable-next-line no-control-regex
    if (value !== undefined && /[\x00-\x1f\x7f]/.test(value)) throw new UsageError('bad_option', `${flag}: ${JSON.stringify(value)} has a control character (a newline?), which no header value may carry`);
  }
}

/** `cg-hooks sign github …`: a scheme named where a provider goes gets the flag it needs, not the provider list. */
function schemeAsProvider(id: string, command: string): UsageError | undefined {
  if (!schemeById(id)) return undefined;
  return new UsageError('unknown_provider', `"${id}" is a signing scheme, not a provider`, `use \`cg-hooks ${command} --scheme ${id} …\``);
}

/** Unix seconds from --timestamp / --now text. */
export function unixSeconds(text: string, flag: string): number {
  return Math.floor(parseTime(text, flag) / 1000);
}

/** Usage errors for keys a scheme cannot use: a whsec_ key that is not base64, a whpk_ public key to sign with. */
export function checkSecrets(signing: Signing, secrets: string[], use: 'sign' | 'verify' = 'sign', flag = '--secret'): void {
  checkSchemeKeys(signing.def, secrets, use, flag);
}

export function checkSchemeKeys(scheme: Scheme, secrets: string[], use: 'sign' | 'verify', flag = '--secret'): void {
  secrets.forEach((s, i) => {
    const problem = scheme.secretProblem?.(s, use);
    if (problem) throw new UsageError('bad_secret', `${flag}${secrets.length > 1 ? ` #${i + 1}` : ''}: ${problem}`);
  });
}

/** A key ring signs only where the scheme carries several signatures in one header. */
export function checkKeyRing(signing: Signing, secrets: string[], command: string): void {
  if (secrets.length > 1 && !signing.def.multiSign) {
    throw new UsageError('bad_option', `--secret: ${signing.def.label} sends one signature per delivery, so ${command} signs with one secret (several are for verify and listen, during rotation)`);
  }
}

export const MISSING_SECRET_HINT = 'pass --secret <s> or set CG_HOOKS_SECRET (the value is never printed)';

const FLAG: Record<CredentialName, string> = { secret: '--secret', apiKey: '--api-key', user: '--user', licenseCode: '--license-code' };

/**
 * What a command cannot do without: the scheme's required credentials and one of its `oneOf` groups; for
 * verify, its optional ones too (there is nothing to check without them). A usage error naming the flags.
 */
export function requireCredentials(signing: Signing, given: Credentials, purpose: 'sign' | 'verify', req?: RequestParts): void {
  const has: Record<CredentialName, boolean> = {
    secret: given.secrets.length > 0,
    apiKey: given.apiKey !== undefined,
    user: given.user !== undefined,
    // WebEngage's license code is public: the request's own query carries it.
    licenseCode: given.licenseCode !== undefined || req?.query?.licenseCode !== undefined,
  };
  const needs = signing.def.needs;
  const missing: CredentialName[] = [];
  for (const name of ['secret', 'licenseCode', 'apiKey', 'user'] as const) {
    if (!has[name] && (needs[name] === 'required' || (purpose === 'verify' && needs[name] === 'optional'))) missing.push(name);
  }
  const oneOf = needs.oneOf && !needs.oneOf.some((group) => group.every((n) => has[n])) ? needs.oneOf : undefined;
  if (missing.length === 0 && !oneOf) return;
  const flags = oneOf ? oneOf.map((group) => group.map((n) => FLAG[n]).join(' and ')).join(' or ') : missing.map((n) => FLAG[n]).join(' and ');
  const hint = missing.includes('secret') || oneOf?.some((g) => g.includes('secret')) ? MISSING_SECRET_HINT : undefined;
  const message = purpose === 'sign' ? `${signing.name} ${signing.def.needsWhat}: pass ${flags}` : `${signing.name} ${signing.def.needsWhat}: verify needs it (pass ${flags})`;
  throw new UsageError('missing_secret', message, hint);
}

/** The SignOptions the flags describe: the key ring signs (one key unless the scheme carries several). */
export function signOptionsFrom(signing: Signing, flags: SigningFlagValues & { eventType?: string }, secrets: string[]): SignOptions {
  return {
    ...(signing.override ? { scheme: signing.override } : {}),
    ...(secrets[0] !== undefined ? { secret: secrets[0] } : {}),
    ...(secrets.length > 1 ? { secrets } : {}),
    ...(flags.apiKey !== undefined ? { apiKey: flags.apiKey } : {}),
    ...(flags.user !== undefined ? { user: flags.user } : {}),
    ...(flags.licenseCode !== undefined ? { licenseCode: flags.licenseCode } : {}),
    ...(flags.eventType !== undefined ? { eventType: flags.eventType } : {}),
    ...(flags.timestamp !== undefined ? { timestamp: unixSeconds(flags.timestamp, '--timestamp') } : {}),
    ...(flags.id !== undefined ? { id: flags.id } : {}),
    ...(signing.custom ? { custom: signing.custom } : {}),
  };
}

/** The VerifyOptions the flags describe: every key of the ring is a candidate. */
export function verifyOptionsFrom(signing: Signing, flags: SigningFlagValues, secrets: string[], extra: Pick<VerifyOptions, 'tolerance' | 'now' | 'signature'> = {}): VerifyOptions {
  return {
    secrets,
    ...(signing.override ? { scheme: signing.override } : {}),
    ...extra,
    ...(flags.apiKey !== undefined ? { apiKey: flags.apiKey } : {}),
    ...(flags.user !== undefined ? { user: flags.user } : {}),
    ...(flags.licenseCode !== undefined ? { licenseCode: flags.licenseCode } : {}),
    ...(flags.timestamp !== undefined ? { timestamp: unixSeconds(flags.timestamp, '--timestamp') } : {}),
    ...(flags.id !== undefined ? { id: flags.id } : {}),
    ...(signing.custom ? { custom: signing.custom } : {}),
  };
}
