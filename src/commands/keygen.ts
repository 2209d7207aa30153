import type { Command } from 'commander';
import * as z from 'zod/mini';
import { EXIT, UsageError } from '../output/errors.js';
import { err, writeErr, writeOut } from '../output/style.js';
import { schemeById } from '../signing/index.js';
import { action, parseOptions } from './shared.js';
import { parseScheme, SCHEME_IDS } from './signing-options.js';
import { jsonText } from '../core/json-text.js';

const Options = z.object({
  scheme: z.optional(z.string()),
  asymmetric: z.optional(z.boolean()),
  json: z.optional(z.boolean()),
});

/**
 * Fresh keys for a scheme. Printing a secret is the point of this command, so it goes to stdout (and nowhere
 * else: nothing is saved); the advice to store it safely goes to stderr.
 */
export async function run(rawOptions: unknown): Promise<number> {
  const o = parseOptions(Options, rawOptions);
  if (o.scheme === undefined) {
    throw new UsageError('missing_option', 'keygen needs --scheme <id>: the scheme the key is for', `e.g. cg-hooks keygen --scheme standard-webhooks; schemes: ${SCHEME_IDS.join(', ')}`);
  }
  const scheme = schemeById(parseScheme(o.scheme))!;
  if (!scheme.keygen) throw new UsageError('bad_option', `--scheme ${scheme.id}: ${scheme.label} ${scheme.needsWhat}, so there is no key to make`);
  if (o.asymmetric && !scheme.asymmetric) {
    const asymmetric = [...SCHEME_IDS].filter((id) => schemeById(id)!.asymmetric);
    throw new UsageError('bad_option', `--asymmetric: ${scheme.label} has no public-key signatures (${asymmetric.join(', ')} ${asymmetric.length === 1 ? 'has' : 'have'})`);
  }
  const keys = scheme.keygen(o.asymmetric === true);
  if (o.json) writeOut(jsonText({ scheme: scheme.id, ...keys }));
  else if ('secret' in keys) writeOut(keys.secret);
  else writeOut(`${keys.secretKey}\n${keys.publicKey}`);
  if (!o.json) {
    const what = 'secret' in keys ? 'the secret above is' : 'the first line (whsk_, the secret key) signs and is secret; the second (whpk_, the public key) verifies and can be shared. The secret key is';
    writeErr(err.dim(`note: ${what} printed once and saved nowhere: store it in your secret manager now`));
  }
  return EXIT.ok;
}

export function register(program: Command): void {
  program
    .command('keygen')
    .description('print fresh signing keys in the platform\'s format (whsec_…, shpss_…, hex), or a whsk_/whpk_ ed25519 pair')
    .option('--scheme <id>', `the scheme the key is for: ${SCHEME_IDS.join(', ')}`)
    .option('--asymmetric', 'an ed25519 key pair (Standard Webhooks v1a): the sender signs with whsk_, receivers verify with whpk_')
    .option('--json', 'print {scheme, secret} or {scheme, secretKey, publicKey}')
    .addHelpText(
      'after',
      `
Output: the key on stdout (one line; a key pair is two lines: the whsk_ secret key, then the whpk_ public key).
Nothing is saved. A note on stderr says which is which.

Examples:
  $ cg-hooks keygen --scheme standard-webhooks
  $ cg-hooks keygen --scheme standard-webhooks --asymmetric --json
  $ cg-hooks keygen --scheme mgpass
  $ cg-hooks keygen --scheme standard-webhooks --asymmetric --json > keys.json && chmod 600 keys.json`,
    )
    .action(action(run));
}
