// `--set` to a path the event's schema does not know: a warning with a did-you-mean, not an error. Providers
// accept extra keys and CustomerGlu tenants add their own, so the field is added; a typo (`detials.currency`)
// should still not pass unnoticed.
import { parsePath, type PathSegment } from '../core/paths.js';
import { didYouMean } from '../core/suggest.js';
import type { EventDef, ProviderDef } from '../providers/types.js';
import type { JsonSchema } from '../schema/json-schema.js';

type Node = JsonSchema;

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A node and the branches of its anyOf/oneOf/allOf: each may hold the next step. */
function branches(node: Node, out: Node[] = [], depth = 0): Node[] {
  if (depth > 20) return out;
  out.push(node);
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = node[key];
    if (Array.isArray(list)) for (const b of list) if (isNode(b)) branches(b, out, depth + 1);
  }
  return out;
}

/**
 * True when the node names no keys but takes any: a record (`additionalProperties: {…}`), an object without listed
 * properties, or no constraint at all. An object that lists properties and also allows others (a loose object, as
 * most provider payloads are) still has names to check against.
 */
function open(node: Node): boolean {
  if (isNode(node.properties)) return false;
  if (node.additionalProperties !== undefined && node.additionalProperties !== false) return true;
  if (node.patternProperties !== undefined) return true;
  const typed = node.type !== undefined || node.const !== undefined || node.enum !== undefined;
  const combined = node.anyOf !== undefined || node.oneOf !== undefined || node.allOf !== undefined;
  if (!typed && !combined) return true; // {}: anything
  return node.type === 'object' || (Array.isArray(node.type) && node.type.includes('object'));
}

export function formatSegments(segments: readonly PathSegment[]): string {
  return segments.map((s, i) => (typeof s === 'number' ? `[${s}]` : `${i === 0 ? '' : '.'}${s.replace(/([.\\[])/g, '\\$1')}`)).join('');
}

/** The first segment of `segments` the schema does not know, with the closest known name; undefined when it knows them. */
export function unknownPath(schema: Node, segments: readonly PathSegment[]): { unknown: string; suggestion?: string } | undefined {
  let nodes = branches(schema);
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const next: Node[] = [];
    if (typeof seg === 'number') {
      for (const n of nodes) {
        const prefix = Array.isArray(n.prefixItems) ? n.prefixItems[seg] : undefined;
        if (isNode(prefix)) next.push(prefix);
        else if (isNode(n.items)) next.push(n.items);
      }
      // Not an array here: the value check (schema validation) says what is wrong, not this.
      if (next.length === 0) return undefined;
    } else {
      if (nodes.some(open)) return undefined;
      const names = new Set<string>();
      for (const n of nodes) {
        if (!isNode(n.properties)) continue;
        for (const name of Object.keys(n.properties)) names.add(name);
        const child = Object.hasOwn(n.properties, seg) ? n.properties[seg] : undefined;
        if (isNode(child)) next.push(child);
      }
      if (names.size === 0) return undefined; // not an object here: left to validation
      if (next.length === 0) {
        // More segments follow: only a name that holds an object can be meant (not `rewardId.amout` for `rewards.amout`).
        const candidates = i < segments.length - 1 ? [...names].filter((name) => nodes.some((n) => isNode(n.properties) && isNode(n.properties[name]) && branches(n.properties[name] as Node).some((b) => isNode(b.properties) || b.type === 'object' || b.type === 'array'))) : [...names];
        const guess = didYouMean(seg, candidates);
        return { unknown: formatSegments(segments.slice(0, i + 1)), ...(guess !== undefined ? { suggestion: formatSegments([...segments.slice(0, i), guess, ...segments.slice(i + 1)]) } : {}) };
      }
    }
    nodes = next.flatMap((n) => branches(n));
  }
  return undefined;
}

/** One warning line per --set path the event's schema does not know (its JSON Schema is loaded only then). */
export async function unknownSetPathWarnings(provider: ProviderDef, event: EventDef, paths: readonly string[]): Promise<string[]> {
  if (paths.length === 0) return [];
  const { eventSchema } = await import('../schema/json-schema.js');
  const schema = eventSchema(provider, event).conversion.schema;
  const warnings: string[] = [];
  for (const path of paths) {
    const found = unknownPath(schema, parsePath(path));
    if (!found) continue;
    const guess = found.suggestion !== undefined ? ` (did you mean ${found.suggestion}?)` : '';
    warnings.push(`--set ${path}: ${found.unknown} is not a field of ${provider.id} ${event.name}${guess}; it is added anyway (receivers may accept extra keys)`);
  }
  return warnings;
}
