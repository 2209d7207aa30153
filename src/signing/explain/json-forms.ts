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
  /** Keys in code point order (Go's maps, Python's sort_keys). */
  sortKeys?: boolean;
  str(node: StrNode): string;
  /** May throw (number-forms' NotWritable) when the serializer refuses the value. */
  num(raw: string): string;
  /** PHP's json_decode(…, true) turns {} into an array, which json_encode writes as []. */
  emptyObject?: string;
  /** PHP's json_decode(…, true): an object keyed "0", "1", … in order is a list, which json_encode writes as [...]. */
  indexKeysAsList?: boolean;
  /** Gson leaves out object members whose value is null (serializeNulls is off by default). */
  dropNullMembers?: boolean;
  /** Ruby's pretty_generate before json 2.10 writes empty containers over lines: "{\n<indent>}", "[\n\n<indent>]". */
  emptyOverLines?: boolean;
}

const byCodePoint = (a: string, b: string): number => {
  // UTF-16 order differs from code point order only between surrogates and U+E000..U+FFFF.
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
};

const isIndexKeyed = (entries: [StrNode, JsonNode][]) => entries.every(([k], i) => k.v === String(i));

export function serialize(node: JsonNode, style: Style, level = 0): string {
  switch (node.t) {
    case 'str':
      return style.str(node);
    case 'num':
      return style.num(node.raw);
    case 'lit':
      return node.raw;
    case 'arr': {
      if (node.items.length === 0) return style.emptyOverLines && style.indent !== undefined ? `[\n\n${style.indent.repeat(level)}]` : '[]';
      const parts = node.items.map((n) => serialize(n, style, level + 1));
      return wrap('[', ']', parts, style, level);
    }
    case 'obj': {
      let entries = node.entries;
      if (style.dropNullMembers) entries = entries.filter(([, v]) => !(v.t === 'lit' && v.raw === 'null'));
      if (entries.length === 0) {
        if (style.emptyObject !== undefined) return style.emptyObject;
        return style.emptyOverLines && style.indent !== undefined ? `{\n${style.indent.repeat(level)}}` : '{}';
      }
      if (style.indexKeysAsList && isIndexKeyed(entries)) return serialize({ t: 'arr', items: entries.map(([, v]) => v) }, style, level);
      if (style.sortKeys) entries = [...entries].sort((a, b) => byCodePoint(a[0].v, b[0].v));
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
