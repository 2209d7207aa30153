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

/** Lower-cased header lookup that tolerates a missing header. */
export function header(headers: Record<string, string>, name: string): string | undefined {
  return headers[name.toLowerCase()];
}
