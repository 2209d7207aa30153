import * as z from 'zod/mini';
import { compileAssert, type Assert } from './assert-compile.js';
import { formatPath } from './field-path.js';

export { formatPath };

export interface FieldIssue {
  /** Dotted path with [n] for array items; "(root)" for the whole body. */
  path: string;
  message: string;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node: unknown = root;
  for (const seg of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[seg];
  }
  return node;
}

const show = (v: unknown) => {
  let s: string | undefined;
  try {
    s = JSON.stringify(v);
  } catch {
    return '(a value JSON cannot write)'; // a cycle, a bigint: a library caller's object, never a parsed body
  }
  return s === undefined ? String(v) : s.length > 40 ? `${s.slice(0, 37)}...` : s;
};

/**
 * zod/mini ships without English messages (that keeps it small), so the messages are written here
 * from the issue codes, in the words a user fixing a payload needs: what was expected, what was found.
 */
function describeIssue(issue: z.core.$ZodIssue, root: unknown): string {
  const actual = valueAt(root, issue.path);
  switch (issue.code) {
    case 'invalid_type':
      return actual === undefined ? `required ${issue.expected} is missing` : `expected ${issue.expected}, got ${typeName(actual)} ${show(actual)}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${show(actual)}`;
    case 'invalid_format':
      return `expected ${issue.format === 'regex' ? `a string matching ${String((issue as { pattern?: string }).pattern)}` : `a ${issue.format}`}, got ${show(actual)}`;
    case 'too_small':
      return `must be ${issue.inclusive === false ? 'more than' : 'at least'} ${String(issue.minimum)}${issue.origin === 'string' ? ' characters' : ''}, got ${show(actual)}`;
    case 'too_big':
      return `must be ${issue.inclusive === false ? 'less than' : 'at most'} ${String(issue.maximum)}${issue.origin === 'string' ? ' characters' : ''}, got ${show(actual)}`;
    case 'invalid_union':
      return `does not match any allowed form, got ${show(actual)}`;
    case 'unrecognized_keys':
      return `unknown keys ${issue.keys.join(', ')}`;
    default:
      return issue.message || 'invalid value';
  }
}

export function validate(schema: z.ZodMiniType, value: unknown): FieldIssue[] {
  const result = schema.safeParse(value);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: describeIssue(issue, value) }));
}

/** A schema checked over and over: our generated validator (assert-compile.ts) when it models the schema, and zod's compiled form. */
interface Often {
  ours: Assert | undefined;
  zod: z.ZodMiniType;
}

const compiled = new WeakMap<z.ZodMiniType, Often>();

function prepare(schema: z.ZodMiniType): Often {
  const asWritten = checkedAsWritten(schema);
  return { ours: compileAssert(asWritten), zod: z.compile(asWritten) };
}

/**
 * The same verdict as `validate`, for a schema checked over and over (the listener, `generate --count`). First our own
 * generated validator (src/core/assert-compile.ts): one flat function that allocates nothing, and says true only
 * where zod accepts. When it says false, or cannot model the schema, zod's compiled form decides, checked by its
 * assert-only validator (`z.validate`), which builds no parsed copy of the payload; a payload it rejects goes through
 * zod's ordinary parser, so the issues are those `validate` reports. Compiling costs a few milliseconds once, hence
 * not for one-off checks.
 */
export function validateOften(schema: z.ZodMiniType, value: unknown): FieldIssue[] {
  // The same schema as the call before (a listener receiving one sender's event): no WeakMap lookup.
  let fast = schema === lastSchema ? lastCompiled : compiled.get(schema);
  if (fast === undefined) compiled.set(schema, (fast = prepare(schema)));
  lastSchema = schema;
  lastCompiled = fast;
  if (fast.ours !== undefined && fast.ours(value)) return [];
  return z.validate(fast.zod, value) ? [] : validate(fast.zod, value);
}

let lastSchema: z.ZodMiniType | undefined;
let lastCompiled: Often | undefined;

/**
 * Checks that check nothing: `z.meta` and `z.describe` only attach metadata for the JSON Schema export (the schemas
 * carry their refinements' JSON Schema that way, src/schema/refinement.ts); zod runs them as `() => {}`. zod's
 * compiler refuses them, and a schema holding one is then run by the interpreter, wholly (Segment's, at the root) or
 * as an island (mgPass's cashback data): 3-8 µs a check instead of ~0.3.
 */
const NO_OP_CHECKS = new Set(['meta', 'describe']);

type AnySchema = z.core.$ZodType;
const isSchema = (v: unknown): v is AnySchema => typeof v === 'object' && v !== null && '_zod' in v && typeof (v as AnySchema)._zod?.def === 'object';

/** withoutNoOpChecks, or the schema itself when a definition cannot be walked (a getter that throws): never worse. */
function checkedAsWritten(schema: z.ZodMiniType): z.ZodMiniType {
  try {
    return withoutNoOpChecks(schema) as z.ZodMiniType;
  } catch {
    return schema;
  }
}

/**
 * The schema with its no-op checks left out, everywhere in its tree: a copy of each node on the way to one (zod's own
 * clone of a node with a new definition), the node itself where there is none. It accepts and rejects exactly what the
 * schema does, with the same issues, as only checks that add nothing are gone (test/validate-often.test.ts compares
 * the two on every event's payloads and on broken ones). Children are found wherever a definition holds schemas: a
 * property (innerType, element…), an array of them (options, items) or an object's shape.
 */
export function withoutNoOpChecks(schema: AnySchema, done = new Map<AnySchema, AnySchema>()): AnySchema {
  const known = done.get(schema);
  if (known !== undefined) return known;
  done.set(schema, schema); // a cycle (z.lazy) is left as it is: zod's compiler refuses those anyway
  const def = schema._zod.def as unknown as Record<string, unknown>;
  let next: Record<string, unknown> | undefined;
  const replace = (key: string, value: unknown) => {
    next ??= { ...def };
    next[key] = value;
  };
  const checks = def.checks as Array<{ _zod: { def: { check: string } } }> | undefined;
  if (checks?.some((c) => NO_OP_CHECKS.has(c._zod.def.check))) replace('checks', checks.filter((c) => !NO_OP_CHECKS.has(c._zod.def.check)));
  for (const key of Object.keys(def)) {
    if (key === 'checks') continue;
    const value = def[key];
    if (isSchema(value)) {
      const child = withoutNoOpChecks(value, done);
      if (child !== value) replace(key, child);
    } else if (Array.isArray(value) && value.some(isSchema)) {
      const children = value.map((v) => (isSchema(v) ? withoutNoOpChecks(v, done) : v));
      if (children.some((c, i) => c !== value[i])) replace(key, children);
    } else if (key === 'shape' && typeof value === 'object' && value !== null) {
      const shape = value as Record<string, unknown>;
      const children = Object.fromEntries(Object.keys(shape).map((k) => [k, isSchema(shape[k]) ? withoutNoOpChecks(shape[k], done) : shape[k]]));
      if (Object.keys(shape).some((k) => children[k] !== shape[k])) replace(key, children);
    }
  }
  const result = next === undefined ? schema : z.clone(schema, next as unknown as z.core.$ZodTypeDef);
  done.set(schema, result);
  return result;
}
