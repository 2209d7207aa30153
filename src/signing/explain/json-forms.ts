// How other serializers write the same JSON. The --explain search needs the exact bytes a Python, PHP or Go
// signer would have produced, so this keeps what JSON.parse throws away: key order as written (JS moves
// integer-like keys first), number text (1.0, 1e3, big integers) and string escapes.

export type JsonNode =
  | { t: 'obj'; entries: [key: StrNode, value: JsonNode][] }
  | { t: 'arr'; items: JsonNode[] }
  | StrNode
  | { t: 'num'; raw: string }
  | { t: 'lit'; raw: 'true' | 'false' | 'null' };
export type StrNode = { t: 'str'; raw: string; v: string };

/** Parses JSON text into an order- and text-preserving tree; undefined when it is not JSON. */
export function parseTree(text: string): JsonNode | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else break;
    }
  };
  const str = (): StrNode => {
    const start = i++;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 92) i += 2;
      else if (c === 34) break;
      else i++;
    }
    if (i >= text.length) throw new Error('unterminated string');
    i++;
    const raw = text.slice(start, i);
    return { t: 'str', raw, v: JSON.parse(raw) as string };
  };
  const value = (depth: number): JsonNode => {
    if (depth > 512) throw new Error('too deep');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const entries: [StrNode, JsonNode][] = [];
      ws();
      if (text[i] === '}') {
        i++;
        return { t: 'obj', entries };
      }
      for (;;) {
        ws();
        if (text[i] !== '"') throw new Error('key');
        const key = str();
        ws();
        if (text[i++] !== ':') throw new Error(':');
        entries.push([key, value(depth + 1)]);
        ws();
        const sep = text[i++];
        if (sep === '}') return { t: 'obj', entries };
        if (sep !== ',') throw new Error(',');
      }
    }
    if (c === '[') {
      i++;
      const items: JsonNode[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return { t: 'arr', items };
      }
      for (;;) {
        items.push(value(depth + 1));
        ws();
        const sep = text[i++];
        if (sep === ']') return { t: 'arr', items };
        if (sep !== ',') throw new Error(',');
      }
    }
    if (c === '"') return str();
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (m) {
      i += m[0].length;
      return { t: 'num', raw: m[0] };
    }
    for (const lit of ['true', 'false', 'null'] as const) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return { t: 'lit', raw: lit };
      }
    }
    throw new Error('value');
  };
  try {
    const root = value(0);
    ws();
    return i === text.length ? root : undefined;
  } catch {
    return undefined;
  }
}

export interface Style {
  /** Between items / entries, and between a key and its value. */
  itemSep: string;
  keySep: string;
  /** Indent unit; undefined for one line. */
  indent?: string;
  sortKeys?: boolean;
  str(node: StrNode): string;
  num(raw: string): string;
  /** PHP's json_decode(…, true) turns {} into an array, which json_encode writes as []. */
  emptyObject?: string;
}

export function serialize(node: JsonNode, style: Style, level = 0): string {
  switch (node.t) {
    case 'str':
      return style.str(node);
    case 'num':
      return style.num(node.raw);
    case 'lit':
      return node.raw;
    case 'arr': {
      if (node.items.length === 0) return '[]';
      const parts = node.items.map((n) => serialize(n, style, level + 1));
      return wrap('[', ']', parts, style, level);
    }
    case 'obj': {
      if (node.entries.length === 0) return style.emptyObject ?? '{}';
      let entries = node.entries;
      if (style.sortKeys) entries = [...entries].sort((a, b) => (a[0].v < b[0].v ? -1 : a[0].v > b[0].v ? 1 : 0));
      // Later duplicates win in every parser; keep the text's first position like a dict would.
      const parts = entries.map(([k, v]) => `${style.str(k)}${style.keySep}${serialize(v, style, level + 1)}`);
      return wrap('{', '}', parts, style, level);
    }
  }
}

function wrap(open: string, close: string, parts: string[], style: Style, level: number): string {
  if (style.indent === undefined) return open + parts.join(style.itemSep) + close;
  const inner = '\n' + style.indent.repeat(level + 1);
  return open + inner + parts.join(style.itemSep.trimEnd() + inner) + '\n' + style.indent.repeat(level) + close;
}

const hex4 = (c: number) => c.toString(16).padStart(4, '0');

/** Escapes a string like Python's json (ensure_ascii), PHP's json_encode or Go's encoding/json. */
export function escapeString(s: string, mode: 'py-ascii' | 'py-utf8' | 'php' | 'go' | 'js'): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c < 0x20) out += `\\u${hex4(c)}`;
    else if (c === 0x2f && mode === 'php') out += '\\/';
    else if (mode === 'py-ascii' && c > 0x7e) out += `\\u${hex4(c)}`;
    else if (mode === 'php' && c > 0x7f) out += `\\u${hex4(c)}`;
    else if (mode === 'go' && (c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029)) out += `\\u${hex4(c)}`;
    else out += s[i];
  }
  return out + '"';
}

/** Python's repr of a float: shortest round-trip digits, ".0" on integers, exponent outside 1e-4..1e16. */
export function pythonFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, e] = x.toExponential().split('e') as [string, string];
  const exp = Number(e);
  if (exp >= -4 && exp < 16) {
    const fixed = String(x);
    const plain = fixed.includes('e') ? x.toFixed(Math.max(0, -exp + mantissa.replace(/^-?\d\.?/, '').length)) : fixed;
    return plain.includes('.') ? plain : `${plain}.0`;
  }
  return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

const INTEGER = /^-?\d+$/;

/** A number as Python writes it after json.loads: integers keep every digit, floats use repr. */
export function pythonNumber(raw: string): string {
  return INTEGER.test(raw) ? BigInt(raw).toString() : pythonFloat(Number(raw));
}

/** A number as JavaScript (and Go's float64, and old PHP) writes it after parsing. */
export function jsNumber(raw: string): string {
  return JSON.stringify(Number(raw));
}

/** PHP: integers that fit 64 bits stay integers, everything else becomes a float. */
export function phpNumber(raw: string): string {
  if (INTEGER.test(raw)) {
    const n = BigInt(raw);
    if (n <= 9223372036854775807n && n >= -9223372036854775808n) return n.toString();
  }
  return jsNumber(raw);
}

/** Tokens of a tree in order, for telling what kind of change separates two JSON texts. */
export function tokens(node: JsonNode, out: { kind: 'num' | 'str' | 'key' | 'lit' | 'punct'; raw: string; v?: string }[] = []) {
  switch (node.t) {
    case 'str':
      out.push({ kind: 'str', raw: node.raw, v: node.v });
      break;
    case 'num':
      out.push({ kind: 'num', raw: node.raw });
      break;
    case 'lit':
      out.push({ kind: 'lit', raw: node.raw });
      break;
    case 'arr':
      out.push({ kind: 'punct', raw: '[' });
      for (const n of node.items) tokens(n, out);
      out.push({ kind: 'punct', raw: ']' });
      break;
    case 'obj':
      out.push({ kind: 'punct', raw: '{' });
      for (const [k, v] of node.entries) {
        out.push({ kind: 'key', raw: k.raw, v: k.v });
        tokens(v, out);
      }
      out.push({ kind: 'punct', raw: '}' });
      break;
  }
  return out;
}

export type Difference = 'whitespace' | 'numbers' | 'escapes' | 'key-order' | 'structure';

/** What separates two JSON texts of the same document, in the order it first shows. */
export function classify(a: JsonNode, b: JsonNode): { kinds: Difference[]; example?: { from: string; to: string } } {
  const x = tokens(a);
  const y = tokens(b);
  const kinds = new Set<Difference>();
  let example: { from: string; to: string } | undefined;
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const p = x[i]!;
    const q = y[i]!;
    if (p.raw === q.raw) continue;
    let kind: Difference;
    if (p.kind === 'num' && q.kind === 'num') kind = 'numbers';
    else if (p.kind === q.kind && (p.kind === 'str' || p.kind === 'key') && p.v === q.v) kind = 'escapes';
    else if (p.kind === 'key' || q.kind === 'key') kind = 'key-order';
    else kind = 'structure';
    kinds.add(kind);
    example ??= { from: p.raw, to: q.raw };
  }
  if (x.length !== y.length) kinds.add('structure');
  if (kinds.size === 0) kinds.add('whitespace');
  return example ? { kinds: [...kinds], example } : { kinds: [...kinds] };
}

/** A compact, JSON.stringify-like style that writes tokens exactly as they were (only whitespace goes). */
export const VERBATIM: Style = { itemSep: ',', keySep: ':', str: (s) => s.raw, num: (r) => r };
