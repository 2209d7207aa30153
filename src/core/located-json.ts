// JSON with the line and column of every value and key, for error messages that point into a file
// the user wrote (a tenant mapping). Only run on text JSON.parse has accepted, so it need not diagnose
// syntax; it does refuse duplicate keys (JSON.parse silently keeps the last one) and deep nesting.

export interface Location {
  line: number;
  column: number;
}

export type LocatedValue =
  | { kind: 'scalar'; value: string | number | boolean | null; at: Location }
  | { kind: 'array'; items: LocatedValue[]; at: Location }
  | { kind: 'object'; entries: LocatedEntry[]; at: Location };

export interface LocatedEntry {
  key: string;
  keyAt: Location;
  value: LocatedValue;
}

export class LocatedJsonError extends Error {
  constructor(
    message: string,
    readonly at: Location,
  ) {
    super(message);
    this.name = 'LocatedJsonError';
  }
}

/** Parses JSON text that is known to be valid, keeping where each value starts. */
export function parseLocated(text: string, maxDepth: number): LocatedValue {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const at = (offset: number): Location => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - lineStarts[lo]! + 1 };
  };
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const string = (): string => {
    const start = i;
    i++;
    while (i < text.length && text.charCodeAt(i) !== 34) i += text.charCodeAt(i) === 92 ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (depth: number): LocatedValue => {
    ws();
    const start = at(i);
    if (depth > maxDepth) throw new LocatedJsonError(`nested more than ${maxDepth} levels deep`, start);
    const c = text[i];
    if (c === '{') {
      i++;
      const entries: LocatedEntry[] = [];
      const seen = new Set<string>();
      ws();
      if (text[i] === '}') {
        i++;
        return { kind: 'object', entries, at: start };
      }
      for (;;) {
        ws();
        const keyAt = at(i);
        const key = string();
        if (seen.has(key)) throw new LocatedJsonError(`duplicate key ${JSON.stringify(key)} (JSON keeps only the last one)`, keyAt);
        seen.add(key);
        ws();
        i++; // ':'
        entries.push({ key, keyAt, value: value(depth + 1) });
        ws();
        if (text[i++] === '}') return { kind: 'object', entries, at: start };
      }
    }
    if (c === '[') {
      i++;
      const items: LocatedValue[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return { kind: 'array', items, at: start };
      }
      for (;;) {
        items.push(value(depth + 1));
        ws();
        if (text[i++] === ']') return { kind: 'array', items, at: start };
      }
    }
    if (c === '"') return { kind: 'scalar', value: string(), at: start };
    const m = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400))!;
    i += m[0].length;
    return { kind: 'scalar', value: JSON.parse(m[0]) as string | number | boolean | null, at: start };
  };
  return value(0);
}
