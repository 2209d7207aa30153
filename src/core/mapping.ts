// Tenant payload mappings. CustomerGlu lets each tenant "define your own schema for the webhook payload": a
// JSON object whose keys are the keys the tenant's server receives and whose values are "$defaultKey" (a value
// of the default payload, "$details.currency" for a nested one), static values, or nested objects of the same.
// This module loads such a file (errors point at its line), applies it to a default payload, and checks a
// delivery against the shape it defines. It never prints and knows no command: callers turn MappingError into
// their usage error.
import type { Json, JsonObject, TenantMappingDef } from '../providers/types.js';
import { parseLocated, LocatedJsonError, type Location, type LocatedValue } from './located-json.js';
import { describeJsonError } from './json.js';
import { didYouMean } from './suggest.js';
import { formatPath, validate, type FieldIssue } from './validate.js';

/** A mapping file is a few hundred bytes; anything near this is not one. */
export const MAX_MAPPING_BYTES = 1024 * 1024;
export const MAX_MAPPING_DEPTH = 32;

export class MappingError extends Error {
  constructor(
    message: string,
    /** A next step for the user. */
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'MappingError';
  }
}

type Segment = string | number;

export type MappingNode =
  | { kind: 'ref'; ref: string; path: string[]; at?: Location }
  | { kind: 'static'; value: Json; at?: Location }
  | { kind: 'array'; items: MappingNode[]; at?: Location }
  | { kind: 'object'; entries: Array<{ key: string; node: MappingNode; at?: Location }>; at?: Location };

/** A reference found in a mapping: which default value it reads, and where in the output it lands. */
export interface MappingRef {
  ref: string;
  path: string[];
  output: Segment[];
  at?: Location;
}

/** A loaded, well-formed mapping (not yet checked against an event: see checkMapping). */
export class Mapping {
  constructor(
    /** File name, or "mapping" for one given as an object. */
    readonly source: string,
    readonly root: Extract<MappingNode, { kind: 'object' }>,
  ) {}

  /** Every "$…" reference with its output path, in file order. */
  refs(): MappingRef[] {
    const out: MappingRef[] = [];
    const walk = (node: MappingNode, output: Segment[]) => {
      if (node.kind === 'ref') out.push({ ref: node.ref, path: node.path, output, ...(node.at ? { at: node.at } : {}) });
      else if (node.kind === 'array') node.items.forEach((item, i) => walk(item, [...output, i]));
      else if (node.kind === 'object') for (const e of node.entries) walk(e.node, [...output, e.key]);
    };
    walk(this.root, []);
    return out;
  }

  /** Where the default value `path` ("rewardId", "details.currency") lands in a mapped payload, if it is mapped. */
  locate(path: string): Segment[] | undefined {
    return this.refs().find((r) => r.path.join('.') === path)?.output;
  }
}

const where = (source: string, at: Location | undefined, output: Segment[]) =>
  `${source}${at ? ` line ${at.line}, column ${at.column}` : ''}${output.length ? ` (key ${JSON.stringify(formatPath(output))})` : ''}`;

const SHAPE_HINT = 'a mapping is a JSON object: output keys → "$defaultKey" (e.g. "$rewardAmount", "$details.currency"), a static value, or a nested object of the same; see docs/mappings.md';

/** A "$…" string: a reference, or (with "$$") a static text that starts with "$". */
function stringNode(text: string, at: Location | undefined, source: string, output: Segment[]): MappingNode {
  if (!text.startsWith('$')) return { kind: 'static', value: text, ...(at ? { at } : {}) };
  if (text.startsWith('$$')) return { kind: 'static', value: text.slice(1), ...(at ? { at } : {}) };
  const ref = text.slice(1);
  const path = ref.split('.');
  if (path.some((p) => p === '') || /\s/.test(ref)) {
    throw new MappingError(`${where(source, at, output)}: ${JSON.stringify(text)} is not a reference: write "$key" or "$key.nested.key"`, 'to send a text that starts with "$" as is, write it with "$$" (e.g. "$$15" for "$15")');
  }
  return { kind: 'ref', ref: text, path, ...(at ? { at } : {}) };
}

function fromLocated(v: LocatedValue, source: string, output: Segment[]): MappingNode {
  switch (v.kind) {
    case 'scalar':
      return typeof v.value === 'string' ? stringNode(v.value, v.at, source, output) : { kind: 'static', value: v.value, at: v.at };
    case 'array':
      return { kind: 'array', items: v.items.map((item, i) => fromLocated(item, source, [...output, i])), at: v.at };
    case 'object':
      return { kind: 'object', entries: v.entries.map((e) => ({ key: e.key, node: fromLocated(e.value, source, [...output, e.key]), at: e.keyAt })), at: v.at };
  }
}

function fromValue(v: unknown, source: string, output: Segment[], depth: number): MappingNode {
  if (depth > MAX_MAPPING_DEPTH) throw new MappingError(`${where(source, undefined, output)}: nested more than ${MAX_MAPPING_DEPTH} levels deep`);
  if (typeof v === 'string') return stringNode(v, undefined, source, output);
  if (v === null || typeof v === 'boolean') return { kind: 'static', value: v };
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new MappingError(`${where(source, undefined, output)}: ${v} cannot be sent as JSON`);
    return { kind: 'static', value: v };
  }
  if (Array.isArray(v)) return { kind: 'array', items: v.map((item, i) => fromValue(item, source, [...output, i], depth + 1)) };
  const proto = typeof v === 'object' ? Object.getPrototypeOf(v) : undefined;
  if (proto === Object.prototype || proto === null) {
    return { kind: 'object', entries: Object.entries(v as object).map(([key, child]) => ({ key, node: fromValue(child, source, [...output, key], depth + 1) })) };
  }
  throw new MappingError(`${where(source, undefined, output)}: a ${typeof v} is not a JSON value`, SHAPE_HINT);
}

function rootOf(node: MappingNode, source: string, at?: Location): Mapping {
  if (node.kind !== 'object') throw new MappingError(`${where(source, at, [])}: the mapping must be a JSON object, got ${node.kind === 'array' ? 'an array' : 'a single value'}`, SHAPE_HINT);
  if (node.entries.length === 0) throw new MappingError(`${source}: the mapping maps no keys`, SHAPE_HINT);
  for (const e of node.entries) if (e.key === '') throw new MappingError(`${where(source, e.at, [])}: an output key cannot be empty`);
  return new Mapping(source, node);
}

/** Loads a mapping file's text. Errors say the file's line and column. */
export function parseMapping(text: string, source: string): Mapping {
  if (text.length > MAX_MAPPING_BYTES) throw new MappingError(`${source} is ${text.length} bytes: a mapping file is at most ${MAX_MAPPING_BYTES} bytes`, SHAPE_HINT);
  try {
    JSON.parse(text);
  } catch {
    throw new MappingError(`${source} is not valid JSON: ${describeJsonError(text)}`, SHAPE_HINT);
  }
  let located: LocatedValue;
  try {
    located = parseLocated(text, MAX_MAPPING_DEPTH);
  } catch (e) {
    if (e instanceof LocatedJsonError) throw new MappingError(`${source} line ${e.at.line}, column ${e.at.column}: ${e.message}`, SHAPE_HINT);
    throw e;
  }
  return rootOf(fromLocated(located, source, []), source, located.at);
}

/** A mapping given as a value (the library's `generate({ mapping })`). Errors name the key. */
export function compileMapping(spec: unknown, source = 'mapping'): Mapping {
  if (spec instanceof Mapping) return spec;
  return rootOf(fromValue(spec, source, [], 0), source);
}

/** Every reference must name a default key of the event (and only free-form keys have nested values). */
export function checkMapping(mapping: Mapping, target: TenantMappingDef): void {
  const keys = Object.keys(target.fields);
  for (const r of mapping.refs()) {
    const [root, ...rest] = r.path as [string, ...string[]];
    const at = where(mapping.source, r.at, r.output);
    if (!Object.hasOwn(target.fields, root)) {
      const guess = didYouMean(root, keys);
      throw new MappingError(
        `${at}: ${JSON.stringify(r.ref)} names no default key${guess ? ` (did you mean "$${guess}"?)` : ''}`,
        `default keys: ${keys.join(', ')} (${target.doc}); write "$$…" for a text that starts with "$"`,
      );
    }
    if (rest.length > 0 && !target.freeForm.includes(root)) {
      throw new MappingError(`${at}: ${JSON.stringify(r.ref)}: "${root}" has no nested values`, `only ${target.freeForm.map((k) => `"$${k}.…"`).join(', ')} can reach into a value`);
    }
  }
}

function get(root: unknown, path: readonly Segment[]): unknown {
  let node = root;
  for (const seg of path) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, seg)) return undefined;
    node = (node as Record<Segment, unknown>)[seg];
  }
  return node;
}

function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/**
 * The tenant's payload for a default one. A reference to a value the default payload does not carry (a points
 * reward has no `code`) leaves its key out, as a JSON serializer drops an undefined value; in an array it is null.
 */
export function applyMapping(mapping: Mapping, payload: Record<string, unknown>): JsonObject {
  const resolve = (node: MappingNode): unknown => {
    switch (node.kind) {
      case 'ref': {
        const value = get(payload, node.path);
        return typeof value === 'object' && value !== null ? structuredClone(value) : value;
      }
      case 'static':
        return typeof node.value === 'object' && node.value !== null ? structuredClone(node.value) : node.value;
      case 'array':
        return node.items.map((item) => resolve(item) ?? null);
      case 'object': {
        const out: Record<string, unknown> = {};
        for (const e of node.entries) {
          const value = resolve(e.node);
          if (value !== undefined) define(out, e.key, value);
        }
        return out;
      }
    }
  };
  return resolve(mapping.root) as JsonObject;
}

const typeName = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const show = (v: unknown) => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
};

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function join(output: Segment[], inner: string): string {
  const base = formatPath(output);
  if (inner === '(root)') return base;
  return inner.startsWith('[') ? `${base}${inner}` : `${base}.${inner}`;
}

/**
 * Checks a delivery against the shape a mapping defines: every mapped key present with the right kind of value
 * (a reference to a required default key is required; to an optional one, optional), static values exactly as
 * mapped. Keys the mapping does not name are allowed, as in CustomerGlu's default payload. Each issue's path is
 * the mapping key, and its message says what the key maps.
 */
export function validateMapped(mapping: Mapping, body: unknown, target: TenantMappingDef): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const check = (node: MappingNode, value: unknown, output: Segment[]) => {
    const path = formatPath(output);
    switch (node.kind) {
      case 'ref': {
        const [root, ...rest] = node.path as [string, ...string[]];
        const schema = rest.length === 0 ? target.fields[root] : undefined;
        if (schema === undefined) return; // free-form values (details.*) may be anything, or absent
        if (value === undefined && schema.safeParse(undefined).success) return;
        for (const i of validate(schema, value)) issues.push({ path: join(output, i.path), message: `${i.message} (mapped from ${node.ref})` });
        return;
      }
      case 'static':
        if (value === undefined) issues.push({ path, message: `required static value ${show(node.value)} is missing (from the mapping)` });
        else if (!sameJson(value, node.value)) issues.push({ path, message: `expected the static value ${show(node.value)} (from the mapping), got ${show(value)}` });
        return;
      case 'array':
        if (!Array.isArray(value)) {
          issues.push({ path, message: value === undefined ? 'required array is missing (from the mapping)' : `expected array (from the mapping), got ${typeName(value)} ${show(value)}` });
          return;
        }
        if (value.length !== node.items.length) issues.push({ path, message: `expected ${node.items.length} items (from the mapping), got ${value.length}` });
        node.items.forEach((item, i) => check(item, value[i] === null && item.kind === 'ref' ? undefined : value[i], [...output, i]));
        return;
      case 'object':
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          const what = output.length === 0 ? 'the body must be a JSON object' : value === undefined ? 'required object is missing (from the mapping)' : 'expected object (from the mapping)';
          issues.push({ path, message: value === undefined ? what : `${what}, got ${typeName(value)} ${show(value)}` });
          return;
        }
        for (const e of node.entries) check(e.node, Object.hasOwn(value, e.key) ? (value as Record<string, unknown>)[e.key] : undefined, [...output, e.key]);
        return;
    }
  };
  check(mapping.root, body, []);
  return issues;
}

/** The de-duplication key of a mapped delivery (CustomerGlu: wherever the tenant put `$rewardId`). */
export function mappedDedupKey(mapping: Mapping, body: unknown, target: TenantMappingDef): string | undefined {
  if (target.dedupKey === undefined) return undefined;
  const at = mapping.locate(target.dedupKey);
  const value = at === undefined ? undefined : get(body, at);
  return typeof value === 'string' && value !== '' ? value : undefined;
}
