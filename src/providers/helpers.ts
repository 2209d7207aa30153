import type { TemplateContext } from '../templates/context.js';
import type { JsonObject } from './types.js';

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type Templates = Record<string, (ctx: TemplateContext, variant?: string) => JsonObject>;

/** Turns a provider's table of event templates into ProviderDef.template. */
export function templateFor(templates: Templates) {
  return (event: string, ctx: TemplateContext, variant?: string): JsonObject => {
    const fn = templates[event];
    if (!fn) throw new Error(`no template for event ${event}`);
    return fn(ctx, variant);
  };
}

// Each name's lower-case form, remembered: detectors look up the same few constant names for every delivery, most of
// them absent, and toLowerCase scans (and may copy) the name each time. Bounded: a library caller may pass any names.
const lowerNames = new Map<string, string>();
const MAX_LOWER_NAMES = 256;

/**
 * Lower-cased header lookup that tolerates a missing header. (A name written in lower case needs none of this:
 * the detectors, run on every delivery, read `req.headers['x-…']` directly, without this lookup of its form.)
 */
export function header(headers: Record<string, string>, name: string): string | undefined {
  let lower = lowerNames.get(name);
  if (lower === undefined) {
    lower = name.toLowerCase();
    if (lowerNames.size >= MAX_LOWER_NAMES) lowerNames.clear();
    lowerNames.set(name, lower);
  }
  return headers[lower];
}
