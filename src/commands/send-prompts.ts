// The interactive side of `send`: on a terminal, what is missing is asked for (provider, event, URL, a secret),
// and the equivalent one-line command is printed, secrets by reference only.
import { loadProvider, PROVIDER_IDS } from '../providers/index.js';
import type { ProviderDef } from '../providers/types.js';
import { InterruptedError, UsageError } from '../output/errors.js';
import { err, writeErr } from '../output/style.js';
import { parseTargetUrl } from '../http/request.js';
import { schemeById } from '../signing/index.js';
import { secretsFrom } from './signing-options.js';

/** The options the prompts read and fill in. */
export interface PromptOptions {
  to?: string | undefined;
  body?: string | undefined;
  json?: boolean | undefined;
  scheme?: string | undefined;
  secret?: string[] | undefined;
}

export const canPrompt = (o: PromptOptions) => Boolean(process.stdin.isTTY && process.stdout.isTTY && !o.json && !process.env.CI);

const SECRET_FLAGS = new Set(['--secret', '--api-key', '--user']);
/** How the equivalent command passes a secret: by reference, so that it runs as is and never shows the value. */
const SECRET_REF = '"$CG_HOOKS_SECRET"';

/**
 * The one-line command equivalent to a prompted run. A secret is written as "$CG_HOOKS_SECRET" (also one typed at
 * the prompt, `promptedSecret`); API keys and passwords as '****'. Never the value itself.
 */
export function equivalentCommand(provider: string, event: string | undefined, to: string, argv: readonly string[], positionals: readonly string[], promptedSecret = false): string {
  const start = argv.indexOf('send');
  const tokens = start >= 0 ? argv.slice(start + 1) : [];
  const rest: string[] = [];
  const left = [...positionals];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t === '--to') {
      i++;
      continue;
    }
    if (t.startsWith('--to=')) continue;
    const p = left.indexOf(t);
    if (p >= 0 && !t.startsWith('-')) {
      left.splice(p, 1);
      continue;
    }
    const eq = t.indexOf('=');
    const flag = t.startsWith('--') && eq > 0 ? t.slice(0, eq) : t;
    const hidden = flag === '--secret' ? SECRET_REF : "'****'";
    if (flag !== t && SECRET_FLAGS.has(flag)) rest.push(`${flag}=${hidden}`);
    else if (SECRET_FLAGS.has(t) && i + 1 < tokens.length) {
      rest.push(t, hidden);
      i++;
    } else rest.push(/^[\w@%+=:,./-]+$/.test(t) ? t : `'${t.replace(/'/g, `'\\''`)}'`);
  }
  if (promptedSecret && !rest.some((t) => t === '--secret' || t.startsWith('--secret='))) rest.push('--secret', SECRET_REF);
  return ['cg-hooks send', provider, ...(event ? [event] : []), '--to', to, ...rest].join(' ');
}

interface Target {
  provider?: string;
  event?: string;
  to?: string;
}

async function promptMissing(t: Target, needEvent: boolean): Promise<Required<Pick<Target, 'provider' | 'to'>> & Target> {
  const { select, input } = await import('@inquirer/prompts');
  try {
    const provider = t.provider ?? (await select({ message: 'Provider', choices: PROVIDER_IDS.map((id) => ({ value: id, name: id })) }));
    let event = t.event;
    if (needEvent && event === undefined) {
      const def = await loadProvider(provider);
      if (def.events.length === 0) throw new UsageError('unknown_event', `${provider} has no events yet`);
      event = await select({ message: 'Event', choices: def.events.map((e) => ({ value: e.name, name: e.name, description: e.description })) });
    }
    const to =
      t.to ??
      (await input({
        message: 'Receiver URL',
        default: 'http://127.0.0.1:3000/webhook',
        validate: (v: string) => {
          try {
            parseTargetUrl(v.trim());
            return true;
          } catch (e) {
            return (e as Error).message;
          }
        },
      })).trim();
    return { provider, to, ...(event !== undefined ? { event } : {}) };
  } catch (e) {
    if ((e as Error).name === 'ExitPromptError') throw new InterruptedError();
    throw e;
  }
}

/** A scheme whose secret signs the body (a Basic password or an API key is not asked for here), from its needs. */
function signsWithSecret(provider: ProviderDef): boolean {
  const scheme = schemeById(provider.signing.scheme);
  if (!scheme) return false;
  return scheme.needs.secret !== undefined || (scheme.kind === 'hmac' && (scheme.needs.oneOf ?? []).some((group) => group.includes('secret')));
}

/**
 * On a terminal, a provider that signs asks for its secret (masked) instead of failing: required for mgPass,
 * optional for CustomerGlu (it signs only when a token is configured: Enter sends unsigned). True when one was typed.
 */
export async function promptSecret(provider: ProviderDef, o: PromptOptions): Promise<boolean> {
  if (!canPrompt(o) || o.scheme !== undefined || !signsWithSecret(provider) || secretsFrom(o).length > 0) return false;
  const required = provider.signing.secretRequired;
  const { password } = await import('@inquirer/prompts');
  try {
    // An optional secret is what CustomerGlu calls a token: configured or not, per tenant.
    const what = `${provider.name} ${required ? 'secret' : 'token'} for ${provider.signing.header ?? 'the signature'}`;
    const secret = await password({ message: required ? `${what} (not shown)` : `${what} (optional, Enter: unsigned; not shown)`, mask: '*' });
    if (secret === '') return false;
    o.secret = [secret];
    writeErr(err.dim('tip: set CG_HOOKS_SECRET (or pass --secret) to skip this prompt; the secret is never printed'));
    return true;
  } catch (e) {
    if ((e as Error).name === 'ExitPromptError') throw new InterruptedError();
    throw e;
  }
}

export async function resolveTarget(providerArg: string | undefined, eventArg: string | undefined, o: PromptOptions, positionals: string[]) {
  const needEvent = o.body === undefined;
  const missing: string[] = [];
  if (providerArg === undefined) missing.push('<provider>');
  if (needEvent && eventArg === undefined) missing.push('<event>');
  if (o.to === undefined) missing.push('--to <url>');
  if (missing.length === 0) return { provider: providerArg!, event: eventArg, to: o.to!, prompted: false };
  if (!canPrompt(o)) {
    const why = o.json ? ' (no prompts with --json)' : process.env.CI ? ' (no prompts when CI is set)' : '';
    throw new UsageError(
      'missing_argument',
      `missing ${missing.join(', ')}${why}`,
      'usage: cg-hooks send <provider> <event> --to <url> (see `cg-hooks send --help`)',
    );
  }
  if (o.to !== undefined) parseTargetUrl(o.to);
  if (providerArg !== undefined) await loadProvider(providerArg);
  const t = await promptMissing({ provider: providerArg, event: eventArg, to: o.to }, needEvent);
  return { provider: t.provider, event: t.event, to: t.to, prompted: true };
}
