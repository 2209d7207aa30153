import * as z from 'zod/mini';
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
  const s = JSON.stringify(v);
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

const compiled = new WeakMap<z.ZodMiniType, z.ZodMiniType>();

/**
 * The same verdict as `validate`, for a schema checked over and over (the listener, `generate --count`): zod's
 * compiled form, checked by its assert-only validator (`z.validate`), which builds no parsed copy of the payload.
 * That is about ten times cheaper than zod's ordinary parser on a valid payload, and half the cost again of the
 * compiled parser. A payload it rejects goes through zod's ordinary parser, so the issues are those `validate`
 * reports. Compiling costs a few milliseconds once, hence not for one-off checks.
 */
export function validateOften(schema: z.ZodMiniType, value: unknown): FieldIssue[] {
  let fast = compiled.get(schema);
  if (fast === undefined) compiled.set(schema, (fast = z.compile(schema)));
  return z.validate(fast, value) ? [] : validate(fast, value);
}
