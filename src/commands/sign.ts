import type { Command } from 'commander';
import * as z from 'zod/mini';
import { maskQuery } from '../core/redact.js';
import { nestedPast } from '../core/json.js';
import { MAX_DEPTH } from '../core/paths.js';
import { EXIT, UsageError } from '../output/errors.js';
import { err, mask, writeErr, writeOut } from '../output/style.js';
import { firstDifference, signRequest } from '../signing/index.js';
import type { SignedRequest } from '../signing/types.js';
import { action, parseOptions, readInput } from './shared.js';
import { addSigningFlags, checkKeyRing, checkSecrets, requireCredentials, resolveSigning, secretsFrom, SigningFlags, signOptionsFrom } from './signing-options.js';
import { jsonText } from '../core/json-text.js';

const Options = z.extend(SigningFlags, {
  body: z.optional(z.string()),
  eventType: z.optional(z.string()),
  json: z.optional(z.boolean()),
  showSecrets: z.optional(z.boolean()),
});

/** Headers that carry the credential itself (not a signature of the body): masked unless --show-secrets. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'x-api-key']);

function maskCredentials(signed: SignedRequest): { signed: SignedRequest; masked: boolean } {
  let masked = false;
  const headers = Object.fromEntries(
    Object.entries(signed.headers).map(([k, v]) => {
      if (!CREDENTIAL_HEADERS.has(k.toLowerCase())) return [k, v];
      masked = true;
      return [k, mask(v)];
    }),
  );
  // WebEngage's `secret` parameter is a bearer credential too (md5 of license code and key; the body is not signed).
  const query = maskQuery(signed.query);
  if (query !== signed.query) masked = true;
  return { signed: { ...signed, headers, query }, masked };
}

/** Warnings about a body that will not survive the trip as the user expects. The bytes are never changed. */
export function bodyWarnings(body: Buffer, who: string, source = 'body.json'): string[] {
  const warnings: string[] = [];
  const endsNl = body.length > 0 && body[body.length - 1] === 0x0a;
  if (endsNl) {
    warnings.push(`the body ends with a newline (byte ${body.length - 1}): it is signed as is, but ${who} sends compact JSON without one; if your editor or \`echo\` added it, pass the exact bytes (printf, or \`cg-hooks generate … -o body.json\`)`);
  }
  if (body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) {
    warnings.push('the body starts with a UTF-8 byte-order mark (EF BB BF): it is signed as is, but a JSON parser on the receiver may reject it');
  }
  let text = body.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    warnings.push('the body is not valid JSON: it is signed as is');
    return warnings;
  }
  // JSON.stringify recurses: a body nested thousands deep is signed as is, never re-serialized here.
  if (nestedPast(text, MAX_DEPTH) >= 0) {
    warnings.push(`the body is JSON nested more than ${MAX_DEPTH} levels deep: it is signed as is, without the compact-form check`);
    return warnings;
  }
  const compact = Buffer.from(JSON.stringify(parsed), 'utf8');
  const trimmed = endsNl ? body.subarray(0, body.length - (body.length > 1 && body[body.length - 2] === 0x0d ? 2 : 1)) : body;
  if (!compact.equals(trimmed)) {
    const at = firstDifference(trimmed, compact);
    warnings.push(
      `the body is not in the compact form ${who} sends (first difference at byte ${at}): receivers that re-serialize (JSON.stringify(req.body)) compute a different signature; compact it first (${source === '-' ? '… | jq -cj .' : `jq -cj . ${source} > compact.json`}: -j adds no trailing newline; or \`cg-hooks generate\`)`,
    );
  }
  return warnings;
}

/** Header lines as curl -H takes them, then the query string, if any. */
export function formatSigned(signed: SignedRequest): string {
  const lines = Object.entries(signed.headers).map(([k, v]) => `${k}: ${v}`);
  const query = new URLSearchParams(signed.query).toString();
  if (query) lines.push(`?${query}`);
  return lines.join('\n');
}

export async function run(providerId: string | undefined, rawOptions: unknown): Promise<number> {
  const o = parseOptions(Options, rawOptions);
  const signing = await resolveSigning(providerId, o, 'sign');
  if (o.body === undefined) throw new UsageError('missing_body', 'sign needs the body: --body <file>, or --body - to read stdin', 'the exact bytes are signed: use the file you will send');
  const secrets = secretsFrom(o);
  requireCredentials(signing, { secrets, ...(o.apiKey !== undefined ? { apiKey: o.apiKey } : {}), ...(o.licenseCode !== undefined ? { licenseCode: o.licenseCode } : {}) }, 'sign');
  checkKeyRing(signing, secrets, 'sign');
  checkSecrets(signing, secrets);
  const body = await readInput(o.body, '--body file');

  const signature = signRequest(signing.spec, body, signOptionsFrom(signing, o, secrets));
  // Every provider sends its Content-Type with the signature: printed too, so the lines are the request's headers.
  const contentType = signing.provider?.headers['Content-Type'] ?? 'application/json';
  const exact: SignedRequest = { ...signature, headers: { 'Content-Type': contentType, ...signature.headers } };
  const { signed, masked } = o.showSecrets ? { signed: exact, masked: false } : maskCredentials(exact);
  // Only a signature covers the body: warnings about its bytes matter when the scheme signs it.
  const warnings = signing.def.kind === 'hmac' ? bodyWarnings(body, signing.provider?.name ?? 'a webhook sender', /^[\w@%+=:,./-]+$/.test(o.body) ? o.body : `'${o.body.replace(/'/g, `'\\''`)}'`) : [];

  for (const w of warnings) writeErr(err.yellow(`warning: ${w}`));
  for (const n of signed.notes) writeErr(err.dim(`note: ${n}`));
  if (masked) writeErr(err.dim('note: credentials (Authorization, X-API-KEY, the secret query parameter) are masked: pass --show-secrets to print them'));
  if (o.json) {
    writeOut(
      jsonText({
        provider: signing.provider?.id ?? null,
        scheme: signing.scheme,
        headers: signed.headers,
        query: signed.query,
        bodyBytes: body.length,
        notes: signed.notes,
        warnings,
      }),
    );
  } else {
    const text = formatSigned(signed);
    if (text) writeOut(text);
  }
  return EXIT.ok;
}

export function register(program: Command): void {
  const cmd = program
    .command('sign')
    .description('print the headers (and query parameters) a provider would send for exactly these bytes')
    .argument('[provider]', 'provider id (see `cg-hooks providers`); optional with --scheme')
    .option('--body <file>', 'the exact bytes to sign: a file, or - for stdin');
  addSigningFlags(cmd)
    .option('--event-type <t>', 'WebEngage eventType query parameter')
    .option('--json', 'print {provider, scheme, headers, query, bodyBytes, notes, warnings}')
    .option('--show-secrets', 'print credentials (Authorization, X-API-KEY, WebEngage\'s secret parameter) unmasked')
    .addHelpText(
      'after',
      `
Output: one "Name: value" line per header (ready for curl -H), and "?a=b&…" for query parameters.
Warnings (stderr) when the body ends with a newline or is not compact JSON; the bytes are never changed.

Examples:
  $ cg-hooks generate customerglu reward -o body.json
  $ cg-hooks sign customerglu --body body.json --secret "$CG_TOKEN"
  $ cg-hooks sign mgpass --body body.json --secret s3cret --json | jq -r '.headers["X-Webhook-Signature"]'
  $ cg-hooks sign webengage --body body.json --license-code '~2024c5d1' --secret whsec_demo --event-type user_event --show-secrets
  $ cg-hooks sign --scheme standard-webhooks --body body.json --secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
  $ cg-hooks sign --scheme standard-webhooks --body body.json --secret "$NEW_WHSEC" --secret "$OLD_WHSEC"   # rotation: both signatures
  $ cg-hooks keygen --scheme standard-webhooks --asymmetric --json > keys.json   # then sign with its whsk_ secretKey (v1a)
  $ cg-hooks sign --scheme stripe --body - --secret whsec_test --timestamp 1767225600 < body.json
  $ cg-hooks sign --scheme hmac --algorithm sha512 --encoding base64 --signature-header X-Sig --prefix sha512= --body body.json --secret k`,
    )
    .action(action(run));
}
