// The serializers --explain knows, as data: how each one writes the document it parsed from the body.
// A signer that parses a payload and serializes it again signs these bytes; a receiver holding the original
// body sees a signature that matches none of its bytes. Each model is checked byte for byte against the
// real serializer's output (fixtures/explain/serializers.json, made by scripts/make-serializer-vectors.sh);
// .NET's is a model of its documented behaviour and source, as no .NET runs here.
import type { Style } from './json-forms.js';
import { gsonMapNumber, goNumber, jacksonNumber, phpNumber, pythonNumber, rubyNumber } from './number-forms.js';
import { ESCAPES, escapeString, type EscapeRules } from './string-forms.js';

export interface SerializerModel {
  id: string;
  /** What the signer ran, in its own words. */
  label: string;
  style: Style;
  /** How to sign exactly what is sent, in that language. */
  fix: string;
  /** Only worth trying when the body has something this model writes differently from its sibling. */
  when?: (text: string) => boolean;
}

const compact = (escapes: EscapeRules, num: (raw: string) => string, extra: Partial<Style> = {}): Style => ({
  itemSep: ',',
  keySep: ':',
  str: (s) => escapeString(s.v, escapes),
  num,
  ...extra,
});
const pretty = (indent: string, style: Style, extra: Partial<Style> = {}): Style => ({ ...style, itemSep: ', ', keySep: ': ', indent, ...extra });
const py = (o: { ascii: boolean; compact: boolean; indent?: string; sort?: boolean }): Style => ({
  itemSep: o.compact ? ',' : ', ',
  keySep: o.compact ? ':' : ': ',
  ...(o.indent !== undefined ? { indent: o.indent } : {}),
  sortKeys: o.sort === true,
  str: (s) => escapeString(s.v, o.ascii ? ESCAPES.pyAscii : ESCAPES.pyUtf8),
  num: pythonNumber,
});

const PHP = compact(ESCAPES.php, phpNumber);
const RUBY = compact(ESCAPES.js, rubyNumber);
const PHP_FIX = 'PHP: $json = json_encode($data); sign $json and send $json itself as the body (Guzzle \'body\' => $json, not \'json\' => $data)';
const RUBY_FIX = 'Ruby: json = JSON.generate(payload); sign json and send json itself as the body';
const JAVA_FIX = 'Java: byte[] body = mapper.writeValueAsBytes(payload) (or gson.toJson(payload).getBytes(UTF_8)); sign body and send body';

/** In trial order: when two models give the same bytes, the first one is named and the others listed with it. */
export const SERIALIZERS: SerializerModel[] = [
  { id: 'py-default', label: 'Python json.dumps(obj) with its defaults: separators ", " and ": ", ensure_ascii=True', style: py({ ascii: true, compact: false }), fix: 'Python: body = json.dumps(payload).encode(); sign body and send body (requests: data=body, not json=payload)' },
  { id: 'py-compact-ascii', label: 'Python json.dumps(obj, separators=(",", ":")) with ensure_ascii=True (non-ASCII written as \\uXXXX)', style: py({ ascii: true, compact: true }), fix: 'Python: sign the bytes you send (requests: data=body)' },
  { id: 'py-spaces-utf8', label: 'Python json.dumps(obj, ensure_ascii=False) with the default separators ", " and ": "', style: py({ ascii: false, compact: false }), fix: 'Python: sign the bytes you send (requests: data=body)' },
  { id: 'py-compact-utf8', label: 'Python json.dumps(obj, ensure_ascii=False, separators=(",", ":")) (CustomerGlu\'s Python sample)', style: py({ ascii: false, compact: true }), fix: 'Python: sign the bytes you send (requests: data=body)' },
  { id: 'py-sorted', label: 'Python json.dumps(obj, sort_keys=True)', style: py({ ascii: true, compact: false, sort: true }), fix: 'Python: sign the bytes you send (requests: data=body)' },
  { id: 'py-sorted-compact', label: 'Python json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)', style: py({ ascii: false, compact: true, sort: true }), fix: 'Python: sign the bytes you send (requests: data=body)' },
  { id: 'py-indent-2', label: 'Python json.dumps(obj, indent=2)', style: py({ ascii: true, compact: false, indent: '  ' }), fix: 'Python: sign the bytes you send (requests: data=body)' },
  { id: 'py-indent-4', label: 'Python json.dumps(obj, indent=4)', style: py({ ascii: true, compact: false, indent: '    ' }), fix: 'Python: sign the bytes you send (requests: data=body)' },
  { id: 'php', label: 'PHP json_encode(json_decode($body)) with default flags ("/" as "\\/", non-ASCII as \\uXXXX, floats PHP\'s way: 1.0 → 1, 1e17 → 1.0e+17, -0.0 → -0)', style: PHP, fix: PHP_FIX },
  { id: 'php-assoc', label: 'PHP json_encode(json_decode($body, true)) (as arrays: {} becomes [], an object keyed "0", "1", … a list)', style: { ...PHP, emptyObject: '[]', indexKeysAsList: true }, fix: PHP_FIX },
  { id: 'php-unescaped', label: 'PHP json_encode(…, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE) (U+2028/U+2029 still escaped, floats PHP\'s way)', style: compact(ESCAPES.phpUnescaped, phpNumber), fix: PHP_FIX },
  { id: 'php-pretty', label: 'PHP json_encode(…, JSON_PRETTY_PRINT)', style: pretty('    ', PHP, { itemSep: ',' }), fix: PHP_FIX },
  { id: 'go', label: 'Go json.Marshal of a map (keys sorted, <, > and & escaped as \\u003c \\u003e \\u0026, numbers as float64: -0.0 → -0, big integers rounded)', style: compact(ESCAPES.go, goNumber, { sortKeys: true }), fix: 'Go: b, _ := json.Marshal(v); sign b and send b (bytes.NewReader(b)), or keep the payload as json.RawMessage' },
  { id: 'go-legacy', label: 'Go json.Marshal before Go 1.22 (as Go, with \\b and \\f written \\u0008 and \\u000c)', style: compact(ESCAPES.goLegacy, goNumber, { sortKeys: true }), fix: 'Go: sign the bytes json.Marshal returned and send those bytes', when: (t) => /\\[bf]/.test(t) },
  { id: 'ruby', label: 'Ruby JSON.generate(obj) / obj.to_json (floats as Float#to_s: 1.0 stays 1.0, 1e21 → 1.0e+21, 1e-7 → 1.0e-07)', style: RUBY, fix: RUBY_FIX },
  { id: 'ruby-pretty', label: 'Ruby JSON.pretty_generate(obj)', style: pretty('  ', RUBY, { itemSep: ',', emptyOverLines: true }), fix: RUBY_FIX },
  { id: 'jackson', label: 'Java Jackson mapper.writeValueAsString(mapper.readTree(body)) (floats as Java doubles: 1e21 → 1.0E21, 100 stays 100, 1e2 → 100.0)', style: compact(ESCAPES.jackson, jacksonNumber), fix: JAVA_FIX },
  { id: 'gson', label: 'Java Gson gson.toJson(JsonParser.parseString(body)) (HTML-safe: = \' < > & as \\u003d \\u0027 \\u003c \\u003e \\u0026; null members dropped)', style: compact(ESCAPES.gson, (raw) => raw, { dropNullMembers: true }), fix: `${JAVA_FIX}; new GsonBuilder().disableHtmlEscaping() keeps = ' < > & as they are` },
  { id: 'gson-map', label: 'Java Gson gson.toJson(gson.fromJson(body, Map.class)) (every number a double: 15 → 15.0; HTML-safe escapes; null members dropped)', style: compact(ESCAPES.gson, gsonMapNumber, { dropNullMembers: true }), fix: `${JAVA_FIX}; read numbers with ToNumberPolicy.LONG_OR_DOUBLE to keep integers` },
  { id: 'dotnet', label: '.NET System.Text.Json with the default encoder (non-ASCII and " & \' + < > ` written \\uXXXX in uppercase hex)', style: compact(ESCAPES.dotnet, (raw) => raw), fix: '.NET: var body = JsonSerializer.SerializeToUtf8Bytes(payload); sign body and send body (JavaScriptEncoder.UnsafeRelaxedJsonEscaping keeps characters unescaped)' },
];
