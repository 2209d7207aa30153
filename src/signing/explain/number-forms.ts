// How each serializer writes a JSON number after its own parser read it. Every function takes the number's
// text as it stands in the body and returns the text that serializer writes, or throws NotWritable when
// that serializer refuses the value (PHP, Ruby and Go fail on 1e400, which parses to Infinity).
//
// Checked against the real serializers' output in fixtures/explain/serializers.json
// (scripts/make-serializer-vectors.sh).

export class NotWritable extends Error {}

/** Bodies repeat their numbers (prices, quantities): each formatter remembers its last few hundred answers. */
function memo(format: (raw: string) => string): (raw: string) => string {
  const seen = new Map<string, string>();
  return (raw) => {
    let out = seen.get(raw);
    if (out === undefined) {
      out = format(raw); // throws NotWritable before anything is remembered
      if (seen.size >= 512) seen.clear();
      seen.set(raw, out);
    }
    return out;
  };
}

const INTEGER = /^-?\d+$/;
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** Shortest round-trip digits of |x| and the power of ten of the first one (1.5e16 → "15", 16). */
function decimal(x: number): { digits: string; exp: number } {
  const [mantissa, e] = Math.abs(x).toExponential().split('e') as [string, string];
  return { digits: mantissa.replace('.', ''), exp: Number(e) };
}

/** Digits placed around the decimal point, without an exponent ("15", 16 → "15000000000000000"). */
function plain(digits: string, exp: number): string {
  if (exp < 0) return `0.${'0'.repeat(-exp - 1)}${digits}`;
  const whole = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return frac ? `${whole}.${frac}` : whole;
}

/** "d.ddd" with at least one digit after the point ("1" → "1.0"). */
const mantissa = (digits: string) => `${digits[0]}.${digits.slice(1) || '0'}`;

function finite(raw: string): number {
  const x = Number(raw);
  if (!Number.isFinite(x)) throw new NotWritable(raw);
  return x;
}

/** JavaScript's JSON.stringify (and Go's float64, apart from -0). */
export function jsNumber(raw: string): string {
  return JSON.stringify(Number(raw));
}

/** Python's repr of a float: shortest round-trip digits, ".0" on integers, exponent outside 1e-4..1e16. */
export function pythonFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const { digits, exp } = decimal(x);
  if (exp >= -4 && exp < 16) {
    const text = plain(digits, exp);
    return sign + (text.includes('.') ? text : `${text}.0`);
  }
  return `${sign}${digits.length === 1 ? digits : `${digits[0]}.${digits.slice(1)}`}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** A number as Python writes it after json.loads: integers keep every digit, floats use repr. */
export const pythonNumber = memo(function pythonNumber(raw: string): string {
  return INTEGER.test(raw) ? BigInt(raw).toString() : pythonFloat(Number(raw));
});

/**
 * PHP 8 json_encode (serialize_precision = -1): integers that fit 64 bits stay integers; everything else is a
 * float, written with the shortest digits, no ".0" on whole numbers (1.0 → 1, -0.0 → -0), and an exponent when
 * the decimal point would sit more than 17 places right or 3 places left of the first digit:
 * 1e17 → 1.0e+17, 1e-5 → 1.0e-5, 12345678901234567890 → 1.2345678901234567e+19.
 */
export const phpNumber = memo(function phpNumber(raw: string): string {
  if (INTEGER.test(raw)) {
    const n = BigInt(raw);
    if (n <= INT64_MAX && n >= INT64_MIN) return n.toString();
  }
  const x = finite(raw);
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const sign = x < 0 ? '-' : '';
  const { digits, exp } = decimal(x);
  const point = exp + 1;
  if (point < -3 || point > 17) return `${sign}${mantissa(digits)}e${exp < 0 ? '-' : '+'}${Math.abs(exp)}`;
  return sign + plain(digits, exp);
});

/**
 * Ruby's JSON.generate: integers keep every digit; floats use Float#to_s: ".0" on whole numbers, an exponent
 * of at least two digits from 1e16 up and below 1e-4 (1e21 → 1.0e+21, 1e-7 → 1.0e-07).
 */
export const rubyNumber = memo(function rubyNumber(raw: string): string {
  if (INTEGER.test(raw)) return BigInt(raw).toString();
  const x = finite(raw);
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const { digits, exp } = decimal(x);
  const point = exp + 1;
  if (point > 16 || point <= -4) return `${sign}${mantissa(digits)}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  const text = plain(digits, exp);
  return sign + (text.includes('.') ? text : `${text}.0`);
});

/**
 * Java's Double.toString (Jackson's floats, every number Gson read into a Map): plain with at least one
 * decimal from 1e-3 to 1e7, else "computerized scientific notation" (1.0E21, 1.0E-7, 9.007199254740992E15).
 * Digits are the shortest round-trip ones, as JDK 19+ writes them; older JDKs add a digit in rare cases.
 */
export function javaDouble(x: number): string {
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const { digits, exp } = decimal(x);
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) {
    const text = plain(digits, exp);
    return sign + (text.includes('.') ? text : `${text}.0`);
  }
  return `${sign}${mantissa(digits)}E${exp}`;
}

/** Jackson's tree (readTree): integer tokens stay exact (IntNode … BigIntegerNode), others become doubles. */
export const jacksonNumber = memo(function jacksonNumber(raw: string): string {
  return INTEGER.test(raw) ? BigInt(raw).toString() : javaDouble(finite(raw));
});

/** Gson into a Map (ToNumberPolicy.DOUBLE, its default): every number is a double, 15 → 15.0. */
export const gsonMapNumber = memo(function gsonMapNumber(raw: string): string {
  return javaDouble(finite(raw));
});

/** Go's encoding/json: float64, written like JavaScript except that -0 stays -0. */
export const goNumber = memo(function goNumber(raw: string): string {
  const x = finite(raw);
  return Object.is(x, -0) ? '-0' : JSON.stringify(x);
});
