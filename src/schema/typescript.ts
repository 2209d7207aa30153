import type { EventSchema, JsonSchema } from './json-schema.js';
import { groupUnionName, mapName, unionName } from './names.js';

// A small JSON Schema → TypeScript printer for the schemas cg-hooks itself produces (zod's output plus the
// hand-written refinements): objects, arrays, unions, intersections, literals. json-schema-to-typescript does
// more, but brings prettier and lodash along; this one is a few dozen lines and loads in no time.

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const SAFE = Number.MAX_SAFE_INTEGER;

const isSchema = (v: unknown): v is JsonSchema => typeof v === 'object' && v !== null && !Array.isArray(v);
const literal = (v: unknown) => JSON.stringify(v);
const key = (k: string) => (IDENTIFIER.test(k) ? k : JSON.stringify(k));

/** True when `|` or `&` appears outside braces, brackets, parentheses, comments and string literals. */
function compound(t: string): boolean {
  let depth = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t[i]!;
    if (c === '/' && t[i + 1] === '*') {
      const end = t.indexOf('*/', i + 2);
      i = end === -1 ? t.length : end + 1;
    } else if (c === '"') {
      for (i++; i < t.length && t[i] !== '"'; i++) if (t[i] === '\\') i++;
    } else if ('{[(<'.includes(c)) depth++;
    else if ('}])>'.includes(c)) depth--;
    else if (depth === 0 && (c === '|' || c === '&')) return true;
  }
  return false;
}
const group = (t: string) => (compound(t) ? `(${t})` : t);

/** A comment's text can never end the comment early. */
function comment(lines: string[], indent: string): string {
  const body = lines.filter(Boolean).map((l) => l.replace(/\*\//g, '*\\/'));
  if (body.length === 0) return '';
  if (body.length === 1) return `${indent}/** ${body[0]} */\n`;
  return `${indent}/**\n${body.map((l) => `${indent} * ${l}`).join('\n')}\n${indent} */\n`;
}

/** What a type cannot say (formats, patterns, bounds), for the property's doc comment. */
function constraints(s: JsonSchema): string {
  const out: string[] = [];
  if (s.type === 'integer') out.push('integer');
  if (typeof s.format === 'string') out.push(s.format);
  else if (typeof s.pattern === 'string') out.push(`matches /${s.pattern}/`);
  if (s.minLength === 1) out.push('non-empty');
  else if (typeof s.minLength === 'number' && s.minLength > 1) out.push(`at least ${s.minLength} characters`);
  if (typeof s.maxLength === 'number') out.push(`at most ${s.maxLength} characters`);
  if (typeof s.minimum === 'number' && s.minimum > -SAFE) out.push(`≥ ${s.minimum}`);
  if (typeof s.exclusiveMinimum === 'number') out.push(`> ${s.exclusiveMinimum}`);
  if (typeof s.maximum === 'number' && s.maximum < SAFE) out.push(`≤ ${s.maximum}`);
  if (typeof s.exclusiveMaximum === 'number') out.push(`< ${s.exclusiveMaximum}`);
  if (typeof s.minItems === 'number' && s.minItems > 0) out.push(`at least ${s.minItems} item${s.minItems === 1 ? '' : 's'}`);
  return out.length > 0 ? `${out.join(', ')}.` : '';
}

function objectType(s: JsonSchema, indent: string): string {
  const properties = isSchema(s.properties) ? s.properties : {};
  const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
  const inner = `${indent}  `;
  let body = '';
  for (const [name, prop] of Object.entries(properties)) {
    const p = isSchema(prop) ? prop : {};
    body += comment([typeof p.description === 'string' ? p.description : '', constraints(p)], inner);
    body += `${inner}${key(name)}${required.has(name) ? '' : '?'}: ${printType(p, inner)};\n`;
  }
  // Absent additionalProperties (zod's z.object) prints a closed type, as z.infer does; looseObject and records
  // (`additionalProperties: {}`) get an index signature.
  const extra = s.additionalProperties;
  if (extra === true || isSchema(extra)) {
    const valueType = isSchema(extra) && Object.keys(extra).length > 0 && Object.keys(properties).length === 0 ? printType(extra, inner) : 'unknown';
    body += `${inner}[key: string]: ${valueType};\n`;
  }
  return body === '' ? 'Record<string, unknown>' : `{\n${body}${indent}}`;
}

function singleType(type: string, s: JsonSchema, indent: string): string {
  switch (type) {
    case 'string':
    case 'boolean':
    case 'null':
      return type;
    case 'number':
    case 'integer':
      return 'number';
    case 'array':
      return `${group(isSchema(s.items) ? printType(s.items, indent) : 'unknown')}[]`;
    case 'object':
      return objectType(s, indent);
    default:
      return 'unknown';
  }
}

/** The part of a schema that is not a combinator, or undefined when it says nothing about the type. */
function baseType(s: JsonSchema, indent: string): string | undefined {
  if ('const' in s) return literal(s.const);
  if (Array.isArray(s.enum)) return s.enum.map(literal).join(' | ');
  if (Array.isArray(s.type)) return (s.type as string[]).map((t) => singleType(t, s, indent)).join(' | ');
  if (typeof s.type === 'string') return singleType(s.type, s, indent);
  if ('properties' in s || 'required' in s || 'additionalProperties' in s) return objectType(s, indent);
  return undefined;
}

export function printType(s: JsonSchema, indent = ''): string {
  if (typeof s.$ref === 'string') return s.$ref.slice(s.$ref.lastIndexOf('/') + 1);
  const parts: string[] = [];
  const base = baseType(s, indent);
  if (base !== undefined) parts.push(base);
  for (const combinator of ['anyOf', 'oneOf'] as const) {
    const branches = s[combinator];
    if (Array.isArray(branches)) parts.push(branches.map((b) => group(printType(b as JsonSchema, indent))).join(' | '));
  }
  if (Array.isArray(s.allOf)) for (const b of s.allOf) parts.push(printType(b as JsonSchema, indent));
  if (parts.length === 0) return 'unknown';
  return parts.length === 1 ? parts[0]! : parts.map(group).join(' & ');
}

function eventDeclaration(e: EventSchema): string {
  const fixtures = (e.event.fixtures ?? []).map((f) => `fixtures/${e.provider.id}/${f}`);
  const lines = [String(e.schema.description), fixtures.length > 0 ? `Documented example${fixtures.length > 1 ? 's' : ''}: ${fixtures.join(', ')}` : ''];
  return `${comment(lines, '')}export type ${e.name} = ${printType(e.schema)};\n`;
}

export interface DeclarationOptions {
  /** Per provider: the union of its events and the map from event name to type. */
  unions: boolean;
  /** `EventTypes` (provider → map) and `EventPayload<P, E>`, for the whole catalog. */
  catalog: boolean;
}

/** Standalone TypeScript declarations for these events: no import, no dependency on cg-hooks. */
export function declarations(events: EventSchema[], options: DeclarationOptions): string {
  const chunks = events.map(eventDeclaration);
  const providers = [...new Map(events.map((e) => [e.provider.id, e.provider])).values()];
  if (options.unions) {
    for (const p of providers) {
      const own = events.filter((e) => e.provider === p);
      const union = unionName(p.id);
      if (!own.some((e) => e.name === union)) {
        chunks.push(`${comment([`Any ${p.name} delivery.`], '')}export type ${union} =\n${own.map((e) => `  | ${e.name}`).join('\n')};\n`);
      }
      // A provider with several envelopes (mgPass rewards vs identity) gets a union per group: each one has its
      // own discriminant (`event_type` vs `type`), which the provider-wide union cannot narrow on.
      for (const g of p.groups ?? []) {
        const members = own.filter((e) => e.event.group === g.name);
        if (members.length > 0) {
          chunks.push(`${comment([`${p.name} ${g.title.toLowerCase()}: ${g.description}.`], '')}export type ${groupUnionName(p.id, g.name)} =\n${members.map((e) => `  | ${e.name}`).join('\n')};\n`);
        }
      }
      const entries = own.map((e) => `  ${JSON.stringify(e.event.name)}: ${e.name};`).join('\n');
      chunks.push(`${comment([`${p.name} payload types by event name.`], '')}export interface ${mapName(p.id)} {\n${entries}\n}\n`);
    }
  }
  if (options.catalog) {
    const entries = providers.map((p) => `  ${JSON.stringify(p.id)}: ${mapName(p.id)};`).join('\n');
    chunks.push(`${comment(['Every provider\'s payload types: `EventTypes["mgpass"]["rewards.points_awarded"]`.'], '')}export interface EventTypes {\n${entries}\n}\n`);
    chunks.push(
      `${comment(['One event\'s payload type: `EventPayload<"rehook", "customer.rewarded">`.'], '')}` +
        'export type EventPayload<P extends keyof EventTypes, E extends keyof EventTypes[P]> = EventTypes[P][E];\n',
    );
  }
  return chunks.join('\n');
}
