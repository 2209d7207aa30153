// How each serializer escapes a string. Every JSON writer escapes '"', '\' and control characters; they differ
// in what else they escape (non-ASCII, "/", HTML characters, U+2028/U+2029), in hex case, and in \b \f.
// Checked against the real serializers' output in fixtures/explain/serializers.json.
import { onForget } from '../memo.js';

export interface EscapeRules {
  /** Every UTF-16 unit above 0x7F as \uXXXX (surrogate pairs as two escapes). */
  nonAscii?: boolean;
  /** DEL (0x7F) as \u007f. */
  del?: boolean;
  /** "/" as "\/". */
  slash?: boolean;
  /** Further characters written as \uXXXX. */
  hex?: string;
  /** Uppercase hex digits in \uXXXX. */
  upper?: boolean;
  /** \b and \f as \u0008 and \u000c (Go before 1.22). */
  hexBF?: boolean;
  /** '"' as \u0022 (.NET's writer). */
  quoteHex?: boolean;
}

const SHORT: Record<number, string> = { 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x08: '\\b', 0x0c: '\\f' };

let needsEscape = new WeakMap<EscapeRules, RegExp>();
onForget(() => (needsEscape = new WeakMap()));

/** One test for "anything to escape here?": most strings have nothing, and then the copy is the answer. */
function escapePattern(rules: EscapeRules): RegExp {
  let re = needsEscape.get(rules);
  if (!re) {
    const extra = (rules.hex ?? '').replace(/[\\\]^-]/g, '\\$&');
    re = new RegExp(`["\\\\\\x00-\\x1f${rules.slash ? '/' : ''}${rules.del ? '\\x7f' : ''}${rules.nonAscii ? '\\x80-\\uffff' : ''}${extra}]`);
    needsEscape.set(rules, re);
  }
  return re;
}

export function escapeString(s: string, rules: EscapeRules): string {
  // Stryker disable next-line ConditionalExpression: the loop below copies a string with nothing to escape as is
  if (!escapePattern(rules).test(s)) return `"${s}"`;
  const hex = rules.hex ?? '';
  const u = (c: number) => {
    const h = c.toString(16).padStart(4, '0');
    return `\\u${rules.upper ? h.toUpperCase() : h}`;
  };
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += rules.quoteHex ? u(c) : '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c < 0x20) out += (rules.hexBF && (c === 0x08 || c === 0x0c)) || !SHORT[c] ? u(c) : SHORT[c];
    else if (c === 0x2f) out += rules.slash ? '\\/' : '/';
    // Stryker disable next-line EqualityOperator: 0x7f took the first branch, so > and >= agree
    else if (c === 0x7f ? rules.del : c > 0x7f && rules.nonAscii) out += u(c);
    else if (hex.includes(s[i]!)) out += u(c);
    else out += s[i];
  }
  return out + '"';
}

/** Each serializer's string escaping, by name. */
export const ESCAPES = {
  /** JSON.stringify, Ruby's JSON.generate. */
  js: {},
  /** Python json.dumps, ensure_ascii=True (the default). */
  pyAscii: { nonAscii: true, del: true },
  /** Python json.dumps(…, ensure_ascii=False). */
  pyUtf8: {},
  /** PHP json_encode, default flags. */
  php: { nonAscii: true, slash: true },
  /** PHP json_encode(…, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE): line separators stay escaped. */
  phpUnescaped: { hex: '\u2028\u2029' },
  /** Go encoding/json, 1.22 and later (HTML-safe: < > & and U+2028/U+2029 escaped). */
  go: { hex: '<>&\u2028\u2029' },
  /** Go encoding/json before 1.22: \b and \f as \u0008 and \u000c. */
  goLegacy: { hex: '<>&\u2028\u2029', hexBF: true },
  /** Jackson: like JSON.stringify, with uppercase hex for control characters. */
  jackson: { upper: true },
  /** Gson with its default HTML-safe escaping. */
  gson: { hex: '<>&=\'\u2028\u2029' },
  /** .NET System.Text.Json with the default JavaScriptEncoder (ASCII only; see scripts/serializers/dotnet_model.py). */
  dotnet: { nonAscii: true, del: true, upper: true, quoteHex: true, hex: '&\'+<>`' },
} satisfies Record<string, EscapeRules>;
