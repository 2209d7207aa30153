/** The formats `cg-hooks schema` writes; a module of its own so the command can list them without loading the converters. */
export const SCHEMA_FORMATS = ['json-schema', 'openapi', 'typescript'] as const;
export type SchemaFormat = (typeof SCHEMA_FORMATS)[number];
