/**
 * Seeded randomness for templates. sfc32 over 32-bit integer arithmetic gives the same sequence on
 * every machine and Node version, which is what `--seed` promises (byte-identical output).
 */
export interface Rng {
  /** Uniform integer in [0, 2^32). */
  u32(): number;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
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
  const init = splitmix32(seed);
  let a = init();
  let b = init();
  let c = init();
  let d = (init() ^ stream) >>> 0;
  const rng: Rng = {
    u32() {
      const t = (((a + b) >>> 0) + d) >>> 0;
      d = (d + 1) >>> 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) >>> 0;
      c = (c << 21) | (c >>> 11);
      c = (c + t) >>> 0;
      return t >>> 0;
    },
  };
  for (let i = 0; i < 12; i++) rng.u32();
  return rng;
}

/** A random 32-bit seed from the OS, for runs without `--seed`. */
export function randomSeed(): number {
  const buf = new Uint32Array(1);
  globalThis.crypto.getRandomValues(buf);
  return buf[0]!;
}
