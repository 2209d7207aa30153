// Raw bodies: text exactly as received, a hex view for anything that is not UTF-8, and one byte marked
// (the first byte where the signed bytes differ from the received ones).
import { h } from './dom.js';

const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
export const decode = (bytes: Uint8Array) => decoder.decode(bytes);

/** Offset of the first byte that is not valid UTF-8, or -1. */
export function badUtf8(bytes: Uint8Array): number {
  try {
    new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    return -1;
  } catch {
    for (let i = 0; i < bytes.length; ) {
      const b = bytes[i]!;
      const need = b < 0x80 ? 0 : b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : -1;
      if (need < 0) return i;
      for (let k = 1; k <= need; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
      i += need + 1;
    }
    return 0;
  }
}

/** The whole UTF-8 character around `offset`, so that a mark never splits one. */
function charSpan(bytes: Uint8Array, offset: number): [number, number] {
  let start = offset;
  while (start > 0 && start > offset - 3 && ((bytes[start] ?? 0) & 0xc0) === 0x80) start--;
  let end = start + 1;
  while (end < bytes.length && end < start + 4 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end++;
  return [start, end];
}

/** The body as text, the character holding `mark` (a byte offset) highlighted. */
export function rawView(bytes: Uint8Array, mark?: number): HTMLElement {
  const pre = h('pre', { class: 'raw' });
  if (mark === undefined || mark < 0 || mark > bytes.length) {
    pre.textContent = decode(bytes);
    return pre;
  }
  if (mark === bytes.length) {
    pre.append(decode(bytes), h('mark', { class: 'diffbyte', title: `byte ${mark}: the end of the body` }, '⟨end⟩'));
    return pre;
  }
  const [s, e] = charSpan(bytes, mark);
  pre.append(decode(bytes.subarray(0, s)), h('mark', { class: 'diffbyte', title: `byte ${mark}` }, visible(decode(bytes.subarray(s, e)))), decode(bytes.subarray(e)));
  return pre;
}

/** Invisible characters made visible inside a mark (a space, a newline, a BOM would otherwise vanish). */
function visible(text: string): string {
  return text.replace(/[\u0000-\u0020\u007f\u00a0\ufeff]/g, (c) => (c === ' ' ? '␠' : c === '\n' ? '⏎\n' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

const hex2 = (b: number) => b.toString(16).padStart(2, '0');
const ascii = (b: number) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.');

/** offset | 16 bytes in hex | ASCII, up to `limit` bytes; the byte at `mark` highlighted. */
export function hexView(bytes: Uint8Array, mark?: number, limit = 64 * 1024): HTMLElement {
  const pre = h('pre', { class: 'hex' });
  const end = Math.min(bytes.length, limit);
  let text = '';
  const flush = () => {
    if (text) pre.append(text);
    text = '';
  };
  for (let row = 0; row < end; row += 16) {
    text += `${row.toString(16).padStart(8, '0')}  `;
    for (let k = 0; k < 16; k++) {
      const at = row + k;
      if (at < end && at === mark) {
        flush();
        pre.append(h('mark', { class: 'diffbyte', title: `byte ${at}` }, hex2(bytes[at]!)));
        text += ' ';
      } else text += at < end ? `${hex2(bytes[at]!)} ` : '   ';
      if (k === 7) text += ' ';
    }
    text += ' ';
    for (let k = 0; k < 16 && row + k < end; k++) text += ascii(bytes[row + k]!);
    text += '\n';
  }
  flush();
  if (bytes.length > end) pre.append(h('span', { class: 'muted' }, `… ${bytes.length - end} more bytes (export the capture file for all of them)`));
  return pre;
}

/** A few bytes either side of `offset`, printable ASCII as is, the rest escaped; the byte itself marked. */
export function contextView(bytes: Uint8Array, offset: number, before = 24, after = 24): HTMLElement {
  const esc = (b: number) => (b === 0x0a ? '\\n' : b === 0x0d ? '\\r' : b === 0x09 ? '\\t' : b === 0x5c ? '\\\\' : b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${hex2(b).toUpperCase()}`);
  const start = Math.max(0, offset - before);
  const end = Math.min(bytes.length, offset + after);
  let head = start > 0 ? '…' : '';
  for (let i = start; i < Math.min(offset, end); i++) head += esc(bytes[i]!);
  let tail = '';
  for (let i = offset + 1; i < end; i++) tail += esc(bytes[i]!);
  if (end < bytes.length) tail += '…';
  const at = offset < bytes.length ? esc(bytes[offset]!) : '⟨end⟩';
  return h('code', { class: 'context' }, head, h('mark', { class: 'diffbyte' }, at), tail);
}
