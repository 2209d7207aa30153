/**
 * Seeded randomness for templates. sfc32 over 32-bit integer arithmetic gives the same sequence on
 * every machine and Node version, which is what `--seed` promises (byte-identical output).
 */
export interface Rng {
  /** Uniform integer in [0, 2^32). */
  u32(): number;
  /** `u32() % n` for n in [1, 46340]: one draw, the same value, without the float modulo `%` needs for u32's range. */
  below(n: number): number;
  /** `n` draws of u32() whose values nobody needs. */
  skip(n: number): void;
  /** `n` characters of `alphabet` (codes, at most 46,340 of them) into `out` from `at`: below(alphabet.length) each. */
  fill(alphabet: readonly number[], n: number, out: Uint8Array | number[], at: number): void;
}

/** splitmix32's output for one state (the caller steps the state by 0x9e3779b9 before each output). */
function splitmix32Output(state: number): number {
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/** Hashes a seed (number or string) and a stream index into one 32-bit value (FNV-1a, then mixed). */
export function mixSeed(seed: number | string, index = 0): number {
  let h = 0x811c9dc5;
  const text = `${seed}:${index}`;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * `stream` selects an independent sequence for the same seed (delivery i of `--count`): it goes into the
 * state directly rather than through a 32-bit hash, so no two deliveries of one run can share a state.
 */
export function createRng(seed: number, stream = 0): Rng {
  // splitmix32 seeds sfc32's four words (the state steps by 0x9e3779b9 before each output).
  let s = seed >>> 0;
  const a = splitmix32Output((s = (s + 0x9e3779b9) >>> 0));
  const b = splitmix32Output((s = (s + 0x9e3779b9) >>> 0));
  const c = splitmix32Output((s = (s + 0x9e3779b9) >>> 0));
  const d = (splitmix32Output((s = (s + 0x9e3779b9) >>> 0)) ^ stream) >>> 0;
  const rng = new Sfc32(a, b, c, d);
  for (let i = 0; i < 12; i++) rng.u32();
  return rng;
}

/**
 * sfc32 as a class: `--count` makes one per delivery, and fields cost less than four closed-over variables. The
 * state is kept as signed 32-bit integers (`| 0`), which V8 keeps in machine words; as unsigned values (`>>> 0`)
 * half of them exceed what fits a small integer and every step went through boxed doubles (twice the cost).
 * The arithmetic is the same modulo 2^32, so is the sequence.
 */
class Sfc32 implements Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(a: number, b: number, c: number, d: number) {
    this.a = a | 0;
    this.b = b | 0;
    this.c = c | 0;
    this.d = d | 0;
  }
  u32(): number {
    // `this.a | 0` and `((a + b) | 0) + d`: typed as int32 from the load on, so TurboFan adds in machine words.
    // With plain loads and `a + b + d` (a sum past 2^31, so a number to V8's feedback) it added in doubles: two
    // conversions, two float adds and a checked conversion back on the step's dependency chain, in every draw and
    // every character of an id (the fill loops below likewise). The same sums modulo 2^32.
    const a = this.a | 0;
    const b = this.b | 0;
    const c = this.c | 0;
    const d = this.d | 0;
    const t = (((a + b) | 0) + d) | 0;
    this.d = (d + 1) | 0;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    this.c = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  }
  fill(alphabet: readonly number[], n: number, out: Uint8Array | number[], at: number): void {
    // One loop per kind of `out` and of alphabet: `generate --count` fills byte arrays (compiled forms), the
    // interpreted path number arrays (ids made as strings). One loop over both saw two kinds of array at every store
    // (a map check and a generic store per character), and tested the alphabet's kind at every character.
    const size = alphabet.length;
    if (Array.isArray(out)) this.fillArray(alphabet, n, out, at);
    else if ((size & (size - 1)) === 0) this.fillBytesMasked(alphabet, n, out, at);
    else this.fillBytes(alphabet, n, out, at);
  }
  // u32() and below() with the state in locals: ids are most of the characters `--count` draws (a 145-character
  // push token, 32-hex ids), and a field load and store per step was a third of a character's cost.
  private fillArray(alphabet: readonly number[], n: number, out: number[], at: number): void {
    let a = this.a | 0;
    let b = this.b | 0;
    let c = this.c | 0;
    let d = this.d | 0;
    const size = alphabet.length;
    const mask = (size & (size - 1)) === 0 ? size - 1 : -1;
    const high = 65536 % size;
    for (let i = 0; i < n; i++) {
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (((c << 21) | (c >>> 11)) + t) | 0;
      const u = t >>> 0;
      out[at + i] = alphabet[mask >= 0 ? u & mask : (((u >>> 16) % size) * high + (u & 0xffff)) % size]!;
    }
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
  }
  /** fill for an alphabet of 2^k characters (hex, base64url, Crockford): below() is the low bits. */
  private fillBytesMasked(alphabet: readonly number[], n: number, out: Uint8Array, at: number): void {
    let a = this.a | 0;
    let b = this.b | 0;
    let c = this.c | 0;
    let d = this.d | 0;
    const mask = alphabet.length - 1;
    for (let i = 0; i < n; i++) {
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (((c << 21) | (c >>> 11)) + t) | 0;
      out[at + i] = alphabet[t & mask]!; // the low bits of t and of t >>> 0 are the same
    }
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
  }
  private fillBytes(alphabet: readonly number[], n: number, out: Uint8Array, at: number): void {
    let a = this.a | 0;
    let b = this.b | 0;
    let c = this.c | 0;
    let d = this.d | 0;
    const size = alphabet.length;
    const high = 65536 % size;
    for (let i = 0; i < n; i++) {
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (((c << 21) | (c >>> 11)) + t) | 0;
      out[at + i] = alphabet[(((t >>> 16) % size) * high + (t & 0xffff)) % size]!;
    }
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
  }
  skip(n: number): void {
    for (let i = 0; i < n; i++) this.u32();
  }
  below(n: number): number {
    // u32 ≥ 2^31 is a double to V8, and `%` on a double is a C call: `generate --count` draws ~50 characters per
    // delivery. (hi·2^16 + lo) mod n computed from the 16-bit halves stays in small integers (< 2^31 for n ≤ 46340).
    // A power of two (hex, base64url, Crockford base32) is the low bits.
    const t = this.u32();
    return (n & (n - 1)) === 0 ? t & (n - 1) : (((t >>> 16) % n) * (65536 % n) + (t & 0xffff)) % n;
  }
}

/**
 * A random 32-bit seed for runs without `--seed`. From Math.random, which V8 seeds from Node's entropy source (the
 * OS, through OpenSSL) when the process starts: the seed only has to differ between runs, it guards nothing.
 * `globalThis.crypto.getRandomValues` loaded Web Crypto and with it all of node:crypto (about 20 built-in
 * modules, ~1.5 ms of CPU) into every `generate` without `--seed`, which uses nothing else of it.
 */
export function randomSeed(): number {
  return Math.floor(Math.random() * 4294967296) >>> 0;
}
