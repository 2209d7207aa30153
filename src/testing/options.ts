// The options the testing kit shares (provider, credentials, case selection) and how they become the core's.
// Built only on the library API (src/index.ts), so that moving the core's files does not move this.
import { CliError, loadProvider, type CustomHmac, type Mapping, type PlanOptions, type ProviderDef, type SchemeId } from '../index.js';

/** Who sends the deliveries and with which credentials: the same knobs as `cg-hooks test`'s flags. */
export interface ProviderOptions {
  /** A provider id (`'mgpass'`, `'customerglu'`, …) or a provider from `await loadProvider(id)`. */
  provider: string | ProviderDef;
  /** The receiver's signing secret; several for a key ring (the first signs, none is used as the wrong one). */
  secret?: string | readonly string[];
  /** The X-API-KEY the receiver expects (CustomerGlu Events API, Segment, MoEngage, CleverTap). */
  apiKey?: string;
  /** `user:password` for HTTP Basic auth (Rehook). */
  user?: string;
  /** WebEngage license code (with `secret`). */
  licenseCode?: string;
  /** Sign with another scheme than the provider's (`'standard-webhooks'`, `'stripe'`, `'hmac'` with `custom`, …). */
  scheme?: SchemeId;
  /** The custom HMAC for `scheme: 'hmac'`. */
  custom?: CustomHmac;
  /** Extra headers on every request (Rehook's custom headers). */
  headers?: Record<string, string> | ReadonlyArray<readonly [string, string]>;
}

/** Which conformance cases, and how their deliveries are made. */
export interface CaseOptions extends ProviderOptions {
  /** Only these events get a `valid:` case (default: every event of the provider). */
  events?: readonly string[];
  /** Case names or prefixes to run (`'valid'` selects every `valid:` case). */
  only?: readonly string[];
  /** Case names or prefixes to leave out. */
  skip?: readonly string[];
  /** Same seed, same payloads (ids, names, amounts). */
  seed?: number | string;
  /** The clock (ms since the epoch) for payload times and signature timestamps. Default: now. */
  now?: number;
  /** A CustomerGlu tenant payload mapping (`{ id: '$rewardId', amount: '$rewardAmount' }`) or `parseMapping(…)`: reward deliveries in the tenant's shape. */
  mapping?: Mapping | Record<string, unknown>;
}

export async function resolveProvider(provider: string | ProviderDef, fn: string): Promise<ProviderDef> {
  if (typeof provider === 'string') return libraryErrors(fn, () => loadProvider(provider));
  if (provider && typeof provider === 'object' && typeof provider.id === 'string' && provider.signing) return provider;
  throw new TypeError(`${fn}: \`provider\` must be a provider id such as 'mgpass' or a provider from loadProvider(id)`);
}

export function secretList(secret: string | readonly string[] | undefined): string[] {
  if (secret === undefined) return [];
  return typeof secret === 'string' ? [secret] : [...secret];
}

export function headerPairs(headers: ProviderOptions['headers']): Array<[string, string]> | undefined {
  if (headers === undefined) return undefined;
  const pairs = Array.isArray(headers) ? headers : Object.entries(headers as Record<string, string>);
  return pairs.map(([name, value]) => [String(name), String(value)]);
}

/** The kit's options as the planner's (`cg-hooks test` builds the same from its flags). */
export function planOptions(o: CaseOptions): PlanOptions {
  const p: PlanOptions = { secrets: secretList(o.secret) };
  if (o.scheme !== undefined) p.scheme = o.scheme;
  if (o.apiKey !== undefined) p.apiKey = o.apiKey;
  if (o.user !== undefined) p.user = o.user;
  if (o.licenseCode !== undefined) p.licenseCode = o.licenseCode;
  if (o.custom !== undefined) p.custom = o.custom;
  const headers = headerPairs(o.headers);
  if (headers) p.headers = headers;
  if (o.events?.length) p.events = [...o.events];
  if (o.only?.length) p.only = [...o.only];
  if (o.skip?.length) p.skip = [...o.skip];
  if (o.seed !== undefined) p.seed = o.seed;
  if (o.now !== undefined) p.now = o.now;
  if (o.mapping !== undefined) p.mapping = o.mapping;
  return p;
}

const FLAG = /(?<![\w-])--([a-z][a-z-]*)/g;
/** Flags whose option has another name (`send --to` is the kit's `url`). */
const RENAMED: Record<string, string> = { to: 'url', event: 'events', header: 'headers', timeout: 'timeoutMs' };
const camel = (kebab: string) => RENAMED[kebab] ?? kebab.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
/** The kit's option names: a hint naming a flag the kit has no option for (`--no-validate`) is dropped. */
const OPTIONS = new Set(['provider', 'event', 'events', 'url', 'secret', 'apiKey', 'user', 'licenseCode', 'scheme', 'custom', 'headers', 'only', 'skip', 'seed', 'now', 'timestamp', 'data', 'set', 'unset', 'variant', 'ascii', 'mapping', 'path', 'as', 'timeoutMs']);
/** CLI wording → the kit's: `--secret` becomes `secret` (hints in reports, error messages). */
export const named = (text: string) => text.replace(/ \(or (set )?CG_HOOKS_SECRET\)/g, '').replace(FLAG, (_, flag: string) => `\`${camel(flag)}\``);

/**
 * The core words its usage errors for the command line (`pass --secret`). Called from code, they should name the
 * option instead (`pass \`secret\``), and say which function refused: same error class and code, new words.
 */
export function asLibraryError(fn: string, e: unknown): unknown {
  if (!(e instanceof CliError) || e.message.startsWith(`${fn}: `)) return e;
  const message = `${fn}: ${named(e.message)}`;
  // "for example: cg-hooks test <url> --provider …" is advice for the shell, not for code.
  const flags = [...(e.hint ?? '').matchAll(FLAG)].map((m) => camel(m[1]!));
  const hint = e.hint === undefined || /^for example: cg-hooks /.test(e.hint) || flags.some((f) => !OPTIONS.has(f)) ? undefined : named(e.hint);
  // The error was made for this call alone: reword it in place (class, code and stack stay).
  const stack = e.stack?.replace(e.message, message);
  const reworded = e as { -readonly [K in keyof CliError]: CliError[K] };
  reworded.message = message;
  reworded.hint = hint;
  if (stack !== undefined) reworded.stack = stack;
  return e;
}

/** Runs `work`, rewording the core's usage errors for code. */
export async function libraryErrors<T>(fn: string, work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    throw asLibraryError(fn, e);
  }
}
