import * as z from 'zod/mini';

/** A JSON Schema object, as written by hand or by zod's converter. */
export type JsonSchema = { [keyword: string]: unknown };

/**
 * What a schema node's refinements (`z.refine`) require, said in JSON Schema. zod converts a schema to JSON Schema
 * itself but cannot convert a function, so without this the exported schema would silently accept more than
 * `listen` does. Written next to the refinements it describes, so the two change together.
 */
export interface RefinementInJsonSchema {
  /** JSON Schema keywords (anyOf, allOf, …) that accept exactly what the refinements accept. */
  schema?: JsonSchema;
  /** Rules JSON Schema cannot state (arithmetic across fields), in words: they join the node's description. */
  words?: string;
}

/** The metadata key the converter reads (and removes from its output). */
export const REFINEMENT_KEY = 'cg-hooks:refinement';

/**
 * A no-op check that attaches the JSON Schema of a node's refinements:
 * `z.object({…}).check(z.refine(…), refinementInJsonSchema({ schema: { anyOf: […] } }))`.
 */
export function refinementInJsonSchema<T>(refinement: RefinementInJsonSchema): z.core.$ZodCheck<T> {
  return z.meta({ [REFINEMENT_KEY]: refinement });
}
