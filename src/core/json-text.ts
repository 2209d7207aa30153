// JSON text that is safe to show on a terminal. JSON.stringify escapes C0 controls, but writes C1 controls
// (U+0080–U+009F: U+0085 is a line break to some terminals, U+009B a CSI), the bidi controls (U+202A–U+202E,
// U+2066–U+2069, U+200E, U+200F, U+061C) and the line and paragraph separators (U+2028, U+2029) as they are: a
// header, body, URL or error message from the network echoed in `--json` output could reorder or hide what a
// terminal shows of it (Trojan Source). Here those code points are written as \uXXXX escapes instead, which JSON
// reads back as the same characters: the value is unchanged (JSON.parse gives it back), only its text is safe.
//
// Only for output meant for people and tools reading reports (stdout, stderr, a saved report). Never for bytes
// that are signed, sent or saved as received (generated payloads, captures): bytes are sacred.

import { isAscii } from 'node:buffer';

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0080-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');

const escape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * JSON text (as JSON.stringify made it, or as received when it parsed) with those code points escaped. Valid JSON
 * has them only inside strings (JSON's whitespace is space, tab, CR and LF), where `\uXXXX` means the same.
 */
export function safeJson(json: string): string {
  return UNSAFE.test(json) ? json.replace(UNSAFE_ALL, escape) : json;
}

/** JSON.stringify's text of `value`, safe to show (see safeJson): what every --json and NDJSON line is made with. */
export function jsonText(value: unknown, space?: number): string {
  const text = JSON.stringify(value, null, space) as string | undefined;
  return text === undefined ? 'null' : safeJson(text);
}

/**
 * Valid UTF-8 JSON text as it is (the usual case, checked without decoding it: isAscii, then hasUnsafeUtf8), or as
 * text with those code points escaped: for a body embedded in a delivery line as it arrived.
 */
export function safeJsonBytes(bytes: Uint8Array): Uint8Array | string {
  return isAscii(bytes) || !hasUnsafeUtf8(bytes) ? bytes : safeJson(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
}

/**
 * Whether UTF-8 `bytes` (known valid) hold one of those code points, without decoding them: for a body embedded in
 * a delivery line as it arrived. Each starts with one of three lead bytes, looked for first (memchr-fast); an
 * ASCII body, the usual one, has none of them.
 */
export function hasUnsafeUtf8(bytes: Uint8Array): boolean {
  return unsafeFrom(bytes, 0xc2) || unsafeFrom(bytes, 0xd8) || unsafeFrom(bytes, 0xe2);
}

function unsafeFrom(bytes: Uint8Array, lead: number): boolean {
  for (let at = bytes.indexOf(lead); at >= 0 && at + 1 < bytes.length; at = bytes.indexOf(lead, at + 1)) {
    const b1 = bytes[at + 1]!;
    if (lead === 0xc2) {
      if (b1 >= 0x80 && b1 <= 0x9f) return true; // C2 80–C2 9F: U+0080–U+009F
    } else if (lead === 0xd8) {
      if (b1 === 0x9c) return true; // D8 9C: U+061C
    } else if (at + 2 < bytes.length) {
      const b2 = bytes[at + 2]!;
      if (b1 === 0x80 && (b2 === 0x8e || b2 === 0x8f || (b2 >= 0xa8 && b2 <= 0xae))) return true; // U+200E, U+200F, U+2028–U+202E
      if (b1 === 0x81 && b2 >= 0xa6 && b2 <= 0xa9) return true; // U+2066–U+2069
    }
  }
  return false;
}
