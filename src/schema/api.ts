import type { SchemaOptions, SchemaResult } from './index.js';

/**
 * Library API: the catalog as JSON Schema, OpenAPI 3.1 or TypeScript (see ./index.ts). The converters load on the
 * first call, so importing the cg-hooks package does not pay for them.
 */
export async function schema(options: SchemaOptions = {}): Promise<SchemaResult> {
  return (await import('./index.js')).schema(options);
}
