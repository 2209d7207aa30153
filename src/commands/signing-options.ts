// Flags shared by the commands that sign or verify (sign, verify; send and listen may reuse them).
import type { Command } from 'commander';
import * as z from 'zod/mini';
import { didYouMean } from '../core/suggest.js';
import { loadProvider } from '../providers/index.js';
import type { ProviderDef, SchemeId, SigningSpec } from '../providers/types.js';
import { UsageError } from '../output/errors.js';
import { profileOf, secretProblem } from '../signing/index.js';
import type { CustomHmac } from '../signing/types.js';
import { collect, parseTime } from './shared.js';

export const SCHEME_IDS: readonly SchemeId[] = [
  'customerglu',
  'mgpass',
  'segment',
  'api-key',
  'webengage',
  'basic',
  'none',
  'standard-webhooks',
  'stripe',
  'github',
  'shopify',
  'slack',
  'hmac',
];

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
    .option('--secret <s>', 'HMAC secret / token / whsec_ key (default: $CG_HOOKS_SECRET); never printed', collect)
    .option('--api-key <k>', 'X-API-KEY for the CustomerGlu Events API and its source endpoints')
    .option('--user <user:password>', 'HTTP Basic credentials (Rehook)')
    .option('--license-code <code>', 'WebEngage license code (query licenseCode)')
    .option('--timestamp <t>', 'timestamp for stripe, slack, standard-webhooks: unix seconds or ISO-8601')
    .option('--id <msg_id>', 'Standard Webhooks message id (webhook-id)')
    .option('--algorithm <a>', '--scheme hmac: sha1, sha256 (default), sha512 or md5')
    .option('--signature-header <name>', '--scheme hmac: the header (default X-Signature)')
    .option('--encoding <e>', '--scheme hmac: hex (default) or base64')
    .option('--prefix <text>', '--scheme hmac: text before the digest, e.g. "sha256="');
}

/** --secret values, else CG_HOOKS_SECRET; empty when neither is set. */
export function secretsFrom(flags: SigningFlagValues, env: NodeJS.ProcessEnv = process.env): string[] {
  if (flags.secret && flags.secret.length > 0) return flags.secret;
  const fromEnv = env.CG_HOOKS_SECRET;
  return fromEnv !== undefined && fromEnv !== '' ? [fromEnv] : [];
}

export function parseScheme(text: string): SchemeId {
  if ((SCHEME_IDS as readonly string[]).includes(text)) return text as SchemeId;
  const guess = didYouMean(text, SCHEME_IDS);
  throw new UsageError('unknown_scheme', `unknown scheme "${text}"${guess ? ` (did you mean "${guess}"?)` : ''}; valid schemes: ${SCHEME_IDS.join(', ')}`);
}

export interface Signing {
  provider?: ProviderDef;
  spec: SigningSpec;
  scheme: SchemeId;
  /** Set when --scheme overrides (or replaces) the provider's scheme. */
  override?: SchemeId;
  custom?: CustomHmac;
  /** "customerglu" or "scheme stripe", for messages. */
  name: string;
}

/** The signing spec from `<provider>` and/or `--scheme`; a usage error when neither is given. */
export async function resolveSigning(providerId: string | undefined, flags: SigningFlagValues, command: string): Promise<Signing> {
  const override = flags.scheme !== undefined ? parseScheme(flags.scheme) : undefined;
  if (providerId === undefined && override === undefined) {
    throw new UsageError('missing_provider', `${command} needs a provider or --scheme`, `e.g. \`cg-hooks ${command} customerglu …\` or \`cg-hooks ${command} --scheme github …\`; run \`cg-hooks providers\` for the list`);
  }
  const provider = providerId !== undefined ? await loadProvider(providerId) : undefined;
  const scheme = override ?? provider!.signing.scheme;
  const spec: SigningSpec = provider?.signing ?? { scheme, secretRequired: true, description: `--scheme ${scheme}` };
  const customFlags = flags.algorithm ?? flags.signatureHeader ?? flags.encoding ?? flags.prefix;
  if (customFlags !== undefined && scheme !== 'hmac') {
    throw new UsageError('bad_option', '--algorithm, --signature-header, --encoding and --prefix describe a custom HMAC: use them with --scheme hmac');
  }
  const custom: CustomHmac | undefined =
    scheme === 'hmac'
      ? {
          algorithm: flags.algorithm ?? 'sha256',
          header: flags.signatureHeader ?? 'X-Signature',
          encoding: flags.encoding ?? 'hex',
          ...(flags.prefix !== undefined ? { prefix: flags.prefix } : {}),
        }
      : undefined;
  return {
    ...(provider ? { provider } : {}),
    spec,
    scheme,
    ...(override !== undefined && override !== provider?.signing.scheme ? { override } : {}),
    ...(custom ? { custom } : {}),
    name: provider ? (override && override !== provider.signing.scheme ? `${provider.id} (--scheme ${override})` : provider.id) : `--scheme ${scheme}`,
  };
}

/** Unix seconds from --timestamp / --now text. */
export function unixSeconds(text: string, flag: string): number {
  return Math.floor(parseTime(text, flag) / 1000);
}

/** Usage errors for secrets a scheme cannot use (a whsec_ key that is not base64). */
export function checkSecrets(signing: Signing, secrets: string[]): void {
  const profile = profileOf(signing.scheme, signing.override ? undefined : signing.spec, signing.custom);
  if (!profile) return;
  secrets.forEach((s, i) => {
    const problem = secretProblem(profile, s);
    if (problem) throw new UsageError('bad_secret', `--secret${secrets.length > 1 ? ` #${i + 1}` : ''}: ${problem}`);
  });
}

export const MISSING_SECRET_HINT = 'pass --secret <s> or set CG_HOOKS_SECRET (the value is never printed)';
