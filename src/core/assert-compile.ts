import * as z from 'zod/mini';
// Named, never through `z.core`: that namespace pulls all of zod's core into the `generate` pack (test/startup.e2e.test.ts).
import { isValidIPv6, util } from 'zod/v4/core';

/**
 * An assert-only validator of our own for a zod/mini schema, for the listener's per-delivery check
 * (validate.ts validateOften): ONE flat generated function, `(value) => boolean`, with no closure, no try/catch and no
 * allocation. zod's own assert-only code (z.compile) wraps every optional field and union in an IIFE, which V8 does
 * not inline in a function that large, and builds arrays: ~110 ns and ~400 bytes a check on CustomerGlu's reward.
 *
 * It answers `true` only where zod accepts. Each construct mirrors zod 4's runtime (core/schemas.js, checks.js) and
 * its compiler (core/compile.js), and is recognised by its class (`_zod.traits`), not only by its `def.type`. A node
 * it does not model (a refinement, a transform, z.lazy, a check or format not mirrored here) is handed whole to zod:
 * `z.validate` on that node, compiled once, for that sub-value, which is exact because zod's schemas do not depend on
 * where they sit (presence of a key is decided here, from zod's own optin/optout). A root it cannot model gets no
 * function at all (`undefined`), and the caller keeps zod's path. `false` only sends the caller to zod: when in doubt
 * the generated code says false.
 *
 * The code is generated from the schema's definitions only, never from a payload. Property names are written as
 * JSON string literals and numbers only when finite; every other constant (sets, regexes, zod's helpers) is an
 * argument of the factory. Each property is read once, as zod reads it once.
 */
export type Assert = (value: unknown) => boolean;

type Schema = z.core.$ZodType;
type Check = z.core.$ZodCheck;
type Def = Record<string, unknown> & { type: string; checks?: Check[] };

/** A node this module does not model: handed to zod (or, at the root, no function). */
class Unmodelled extends Error {}

/** More lines than this: a schema this big gains nothing from one function; zod's path stays. */
const MAX_LINES = 20_000;

/** Whether a schema or check is of zod's class `trait` (its constructor and every one it extends). */
const has = (s: unknown, trait: string): boolean => {
  const traits = (s as { _zod: { traits?: unknown } })._zod.traits;
  return traits instanceof Set && traits.has(trait);
};

/** The `when` zod gives its length checks by default (run on non-nullish values with a length): any other is a condition we do not model. */
const DEFAULT_LENGTH_WHEN = (z.minLength(1)._zod.def as { when?: unknown }).when;

/** String formats whose whole check is `def.pattern.test(value)` (and the class that makes it so). */
const PATTERN_FORMATS: Record<string, string> = {
  datetime: '$ZodISODateTime',
  date: '$ZodISODate',
  email: '$ZodEmail',
  uuid: '$ZodUUID',
  guid: '$ZodGUID',
  ipv4: '$ZodIPv4',
};

/** Up to this many values, a literal or enum is tested by `===` one by one rather than by Set.has. */
const MAX_COMPARED = 32;

const finite = (n: unknown): string => {
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new Unmodelled('a bound that is not a finite number');
  return String(n);
};

class Generator {
  readonly lines: string[] = [];
  readonly names: string[] = [];
  readonly values: unknown[] = [];
  /** Why each node handed to zod was (for tests, and for reading what a schema compiles to). */
  readonly handedToZod: string[] = [];
  private vars = 0;
  /** The schemas on the way from the root to the node being written: a cycle (a getter in a shape) is not walked twice. */
  private readonly path = new Set<Schema>();

  constant(value: unknown): string {
    const at = this.values.indexOf(value);
    if (at >= 0) return this.names[at]!;
    this.values.push(value);
    this.names.push(`c${this.names.length}`);
    return this.names[this.names.length - 1]!;
  }

  fresh(prefix = 'v'): string {
    return `${prefix}${this.vars++}`;
  }

  write(line: string) {
    this.lines.push(line);
    if (this.lines.length > MAX_LINES) throw new Error('schema too large to compile');
  }

  /** Writes the check of `schema` on the value in `at`; `fail` is the statement that rejects (return, or leave a union's branch). */
  node(schema: Schema, at: string, fail: string) {
    if (this.path.has(schema)) throw new Error('a cycle in the schema'); // not Unmodelled: the whole compile gives up
    const mark = this.lines.length;
    const constants = this.values.length;
    const handed = this.handedToZod.length;
    this.path.add(schema);
    try {
      this.modelled(schema, at, fail);
    } catch (e) {
      if (!(e instanceof Unmodelled) || this.path.size === 1) throw e;
      this.lines.length = mark; // what this node had written so far is replaced by zod's own check of it
      this.values.length = this.names.length = constants;
      this.handedToZod.length = handed;
      this.handedToZod.push(e.message);
      this.write(`if (!${this.constant(z.validate)}(${this.constant(z.compile(schema as z.ZodMiniType))}, ${at})) ${fail}`);
    } finally {
      this.path.delete(schema);
    }
  }

  private modelled(schema: Schema, at: string, fail: string) {
    const def = schema._zod.def as unknown as Def;
    if (def.coerce) throw new Unmodelled('coercion');
    switch (def.type) {
      case 'string':
        return this.string(schema, def, at, fail);
      case 'number':
        return this.number(schema, def, at, fail);
      case 'boolean':
        this.bare(schema, def, '$ZodBoolean');
        return this.write(`if (typeof ${at} !== "boolean") ${fail}`);
      case 'null':
        this.bare(schema, def, '$ZodNull');
        return this.write(`if (${at} !== null) ${fail}`);
      case 'unknown':
      case 'any':
        return this.bare(schema, def, def.type === 'any' ? '$ZodAny' : '$ZodUnknown');
      case 'literal':
      case 'enum':
        return this.values_(schema, def, at, fail);
      case 'optional':
        // .optional() passes undefined and runs the inner schema on anything else (not the exact or defaulted kinds)
        this.bare(schema, def, '$ZodOptional');
        if (has(schema, '$ZodExactOptional') || (def.innerType as Schema)._zod.optin === 'defaulted') throw new Unmodelled('exact or defaulted optional');
        return this.guarded(`${at} !== undefined`, def.innerType as Schema, at, fail);
      case 'nullable':
        this.bare(schema, def, '$ZodNullable');
        return this.guarded(`${at} !== null`, def.innerType as Schema, at, fail);
      case 'object':
        return this.object(schema, def, at, fail);
      case 'array':
        return this.array(schema, def, at, fail);
      case 'record':
        return this.record(schema, def, at, fail);
      case 'union':
        return this.union(schema, def, at, fail);
      default:
        throw new Unmodelled(`schema type ${def.type}`);
    }
  }

  /** The node is of this class and carries no check of its own. */
  private bare(schema: Schema, def: Def, trait: string) {
    if (!has(schema, trait)) throw new Unmodelled(`not a ${trait}`);
    if (def.checks?.length) throw new Unmodelled('checks on this type');
  }

  private guarded(condition: string, inner: Schema, at: string, fail: string) {
    this.write(`if (${condition}) {`);
    this.node(inner, at, fail);
    this.write('}');
  }

  private string(schema: Schema, def: Def, at: string, fail: string) {
    if (!has(schema, '$ZodString')) throw new Unmodelled('not a $ZodString');
    this.write(`if (typeof ${at} !== "string") ${fail}`);
    if (def.format !== undefined) this.format(schema, def, at, fail);
    for (const check of def.checks ?? []) {
      const c = check._zod.def as unknown as Def & { check: string };
      if (c.check === 'string_format') this.format(check, c, at, fail);
      else this.length(check, c, at, fail, true);
    }
  }

  /** A string format (on the schema, z.email(), or as a check, z.regex()) whose check is exactly one we mirror. */
  private format(owner: unknown, def: Record<string, unknown>, at: string, fail: string) {
    if (def.when !== undefined || def.fn !== undefined) throw new Unmodelled('a format with a condition or a function');
    const format = def.format as string;
    if (format === 'ipv6' && has(owner, '$ZodIPv6')) return this.write(`if (!${this.constant(isValidIPv6)}(${at})) ${fail}`);
    const trait = format === 'regex' ? '$ZodCheckRegex' : PATTERN_FORMATS[format];
    if (trait === undefined || !has(owner, trait) || !(def.pattern instanceof RegExp)) throw new Unmodelled(`string format ${format}`);
    const pattern = this.constant(def.pattern);
    this.write(`${pattern}.lastIndex = 0;`); // as zod does before each test: a /g or /y pattern starts from 0
    this.write(`if (!${pattern}.test(${at})) ${fail}`);
  }

  /**
   * min/max/exact length, as $ZodCheckMinLength and friends count it: a string in code points (counted only where
   * the UTF-16 length leaves the answer in doubt), an array in items.
   */
  private length(check: Check, c: Def, at: string, fail: string, ofString: boolean) {
    if (c.when !== undefined && c.when !== DEFAULT_LENGTH_WHEN) throw new Unmodelled('a length check with its own condition');
    const cp = () => this.constant(util.codePointLength);
    if (has(check, '$ZodCheckMinLength')) {
      const min = finite(c.minimum);
      // Below 2 units a string has as many code points as units, so a floor of 0 or 1 never needs counting.
      if (!ofString || (c.minimum as number) <= 1) return this.write(`if (${at}.length < ${min}) ${fail}`);
      return this.write(`if (${at}.length < ${min} || (${at}.length < ${finite((c.minimum as number) * 2)} && ${cp()}(${at}) < ${min})) ${fail}`);
    }
    if (has(check, '$ZodCheckMaxLength')) {
      const max = finite(c.maximum);
      return this.write(ofString ? `if (${at}.length > ${max} && ${cp()}(${at}) > ${max}) ${fail}` : `if (${at}.length > ${max}) ${fail}`);
    }
    if (has(check, '$ZodCheckLengthEquals')) {
      const n = finite(c.length);
      if (!ofString) return this.write(`if (${at}.length !== ${n}) ${fail}`);
      return this.write(`if (${at}.length < ${n} || ${at}.length > ${finite((c.length as number) * 2)} || ${cp()}(${at}) !== ${n}) ${fail}`);
    }
    throw new Unmodelled(`check ${c.check}`);
  }

  private number(schema: Schema, def: Def, at: string, fail: string) {
    if (!has(schema, '$ZodNumber')) throw new Unmodelled('not a $ZodNumber');
    // z.number() refuses NaN and ±Infinity
    this.write(`if (typeof ${at} !== "number" || !Number.isFinite(${at})) ${fail}`);
    if (has(schema, '$ZodCheckNumberFormat')) this.numberFormat(def, at, fail); // z.int(): the format is the schema's own
    for (const check of def.checks ?? []) {
      const c = check._zod.def as unknown as Def & { check: string; value?: unknown; inclusive?: boolean };
      if (c.when !== undefined) throw new Unmodelled('a check with a condition');
      if (has(check, '$ZodCheckNumberFormat')) this.numberFormat(c, at, fail);
      else if (has(check, '$ZodCheckGreaterThan')) this.write(`if (!(${at} ${c.inclusive ? '>=' : '>'} ${finite(c.value)})) ${fail}`);
      else if (has(check, '$ZodCheckLessThan')) this.write(`if (!(${at} ${c.inclusive ? '<=' : '<'} ${finite(c.value)})) ${fail}`);
      else throw new Unmodelled(`check ${c.check}`);
    }
  }

  /** A $ZodCheckNumberFormat (z.int() is one, and its own check). */
  private numberFormat(def: Record<string, unknown>, at: string, fail: string) {
    // safeint: an integer within ±(2^53 - 1), which is what Number.isSafeInteger says (-0 included)
    if (def.format !== 'safeint') throw new Unmodelled(`number format ${String(def.format)}`);
    this.write(`if (!Number.isSafeInteger(${at})) ${fail}`);
  }

  /**
   * z.literal, z.enum: membership in zod's own set of the values, which it tests with SameValueZero. That is `===`
   * but for NaN, so a few values (NaN aside) are compared one by one: ~5 ns where Set.has costs ~11 on a parsed string.
   */
  private values_(schema: Schema, def: Def, at: string, fail: string) {
    this.bare(schema, def, def.type === 'enum' ? '$ZodEnum' : '$ZodLiteral');
    const values = schema._zod.values;
    if (!(values instanceof Set)) throw new Unmodelled('no set of values');
    if (values.size === 0 || values.size > MAX_COMPARED || values.has(Number.NaN)) return this.write(`if (!${this.constant(values)}.has(${at})) ${fail}`);
    this.write(`if (${[...values].map((v) => `${at} !== ${this.constant(v)}`).join(' && ')}) ${fail}`);
  }

  private object(schema: Schema, def: Def, at: string, fail: string) {
    this.bare(schema, def, '$ZodObject');
    this.write(`if (typeof ${at} !== "object" || ${at} === null || Array.isArray(${at})) ${fail}`);
    const shape = def.shape as Record<string, Schema>;
    if (Object.getOwnPropertySymbols(shape).length > 0) throw new Unmodelled('symbol keys');
    const keys = Object.keys(shape);
    if (keys.includes('__proto__')) throw new Unmodelled('a "__proto__" key');
    for (const key of keys) {
      const child = shape[key]!;
      const { optin, optout } = child._zod;
      const name = JSON.stringify(key);
      const v = this.fresh();
      this.write(`const ${v} = ${at}[${name}];`);
      if (optin === undefined) {
        // a required key must be there even if its schema would take undefined (z.unknown())
        if (mayAcceptUndefined(child)) this.write(`if (!(${name} in ${at})) ${fail}`);
        this.node(child, v, fail);
      } else if (optin === 'optional' && optout === 'optional') {
        // an absent optional key is never checked; a present one is, whatever its value
        if (has(child, '$ZodOptional') && !has(child, '$ZodExactOptional')) this.node(child, v, fail);
        else this.guarded(`${name} in ${at}`, child, v, fail);
      } else {
        throw new Unmodelled('a key whose absence zod fills or keeps (default, transform)');
      }
    }
    const catchall = def.catchall as Schema | undefined;
    if (catchall === undefined) return; // z.object: unknown keys are dropped, never checked
    const kind = (catchall._zod.def as unknown as Def).type;
    if ((kind === 'unknown' || kind === 'any') && !(catchall._zod.def as unknown as Def).checks?.length) return; // looseObject
    if (kind !== 'never') throw new Unmodelled('a catchall schema');
    // strictObject: every key for...in finds (inherited enumerable ones too, as zod's loop) must be declared
    const k = this.fresh('k');
    this.write(`for (const ${k} in ${at}) if (!${this.constant(new Set(keys))}.has(${k})) ${fail}`);
  }

  private array(schema: Schema, def: Def, at: string, fail: string) {
    if (!has(schema, '$ZodArray')) throw new Unmodelled('not a $ZodArray');
    this.write(`if (!Array.isArray(${at})) ${fail}`);
    for (const check of def.checks ?? []) this.length(check, check._zod.def as unknown as Def & { check: string }, at, fail, false);
    const i = this.fresh('i');
    const item = this.fresh();
    this.write(`for (let ${i} = 0; ${i} < ${at}.length; ${i}++) {`);
    this.write(`const ${item} = ${at}[${i}];`);
    this.node(def.element as Schema, item, fail);
    this.write('}');
  }

  /**
   * z.record(z.string(), value): a plain object (zod's own test) whose own enumerable string keys, __proto__ aside,
   * hold valid values. Any symbol key fails (zod fails an enumerable one; a non-enumerable one only costs zod's path).
   * for...in also visits inherited enumerable keys, which zod does not check: propertyIsEnumerable leaves them out.
   */
  private record(schema: Schema, def: Def, at: string, fail: string) {
    this.bare(schema, def, '$ZodRecord');
    const key = def.keyType as Schema;
    const keyDef = key._zod.def as unknown as Def;
    // A bare z.string() takes every string key, so a partial or loose record (which differ only in keys their key
    // schema refuses) is the same record here: only a symbol key fails, and any symbol key says false below.
    if (keyDef.type !== 'string' || keyDef.format !== undefined || keyDef.coerce || keyDef.checks?.length) throw new Unmodelled('record keys other than z.string()');
    this.write(`if (!${this.constant(util.isPlainObject)}(${at}) || ${this.constant(Object.getOwnPropertySymbols)}(${at}).length !== 0) ${fail}`);
    const value = def.valueType as Schema;
    const valueDef = value._zod.def as unknown as Def;
    if ((valueDef.type === 'unknown' || valueDef.type === 'any') && !valueDef.checks?.length) return;
    const k = this.fresh('k');
    const v = this.fresh();
    this.write(`for (const ${k} in ${at}) {`);
    this.write(`if (${k} === "__proto__" || !${this.constant(Object.prototype.propertyIsEnumerable)}.call(${at}, ${k})) continue;`);
    this.write(`const ${v} = ${at}[${k}];`);
    this.node(value, v, fail);
    this.write('}');
  }

  /** z.union: accepted when one option accepts (zod tries them in order; with no transform, which one does not matter). */
  private union(schema: Schema, def: Def, at: string, fail: string) {
    this.bare(schema, def, '$ZodUnion');
    if (def.discriminator !== undefined || def.inclusive === false) throw new Unmodelled('a discriminated or exclusive union');
    const options = def.options as Schema[];
    if (options.length === 0) return this.write(fail);
    if (options.length === 1) return this.node(options[0]!, at, fail);
    const ok = this.fresh('ok');
    this.write(`let ${ok} = false;`);
    options.forEach((option, n) => {
      const branch = this.fresh('u');
      this.write(`${n === 0 ? '' : `if (!${ok}) `}{ ${branch}: {`);
      this.node(option, at, `break ${branch};`);
      this.write(`${ok} = true; } }`);
    });
    this.write(`if (!${ok}) ${fail}`);
  }
}

/** Whether zod could accept undefined here; true when unsure (it only adds a presence check). */
function mayAcceptUndefined(schema: Schema): boolean {
  const def = schema._zod.def as unknown as Def;
  switch (def.type) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'null':
    case 'object':
    case 'array':
    case 'record':
      return Boolean(def.coerce);
    case 'literal':
    case 'enum':
      return !(schema._zod.values instanceof Set) || schema._zod.values.has(undefined);
    case 'nullable':
      return mayAcceptUndefined(def.innerType as Schema);
    case 'union':
      return (def.options as Schema[]).some(mayAcceptUndefined);
    default:
      return true;
  }
}

/**
 * The generated validator for `schema`, or undefined when its root is a node we do not model (or it is cyclic, or
 * too big): the caller then keeps zod's own path. `schema` should have its no-op checks removed (withoutNoOpChecks).
 */
export function compileAssert(schema: Schema): Assert | undefined {
  return explainAssert(schema)?.assert;
}

/** compileAssert's function with the nodes it handed to zod (and why): for tests, and to read what a schema compiles to. */
export function explainAssert(schema: Schema): { assert: Assert; handedToZod: string[] } | undefined {
  let explained: { assert: Assert; handedToZod: string[] } | undefined;
  try {
    const gen = new Generator();
    gen.node(schema, 'value', 'return false;');
    const factory = new Function(...gen.names, `"use strict";\nreturn function assertValid(value) {\n${gen.lines.join('\n')}\nreturn true;\n};`) as (...args: unknown[]) => Assert;
    explained = { assert: factory(...gen.values), handedToZod: gen.handedToZod };
  } catch {
    // an unmodelled root, a cycle, a schema too big, a definition that throws when read: zod's path, as before
  }
  return explained;
}
