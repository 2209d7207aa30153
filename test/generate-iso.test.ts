import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoInto, isoString, plainClock } from '../src/templates/iso.js';

// isoString (src/templates/iso.ts) stands in for Date.prototype.toISOString in every template: it must write the
// same characters for every clock, and throw where Date throws. The oracle is Date itself.
const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);
const oracle = (ms: number): string => {
  try {
    return new Date(ms).toISOString();
  } catch (e) {
    return `throws ${(e as Error).name}`;
  }
};
const subject = (ms: number): string => {
  try {
    return isoString(ms);
  } catch (e) {
    return `throws ${(e as Error).name}`;
  }
};

describe('isoString', () => {
  it('writes what Date.prototype.toISOString writes, over the whole range of a Date and beyond', () => {
    const clock = fc.oneof(
      fc.integer({ min: 0, max: 253_402_300_800_000 + 1000 }),
      fc.integer({ min: -(2 ** 53), max: 2 ** 53 }),
      fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }),
      fc.double({ min: -1e16, max: 1e16 }),
      fc.constantFrom(0, -0, -1, 1, 86_399_999, 86_400_000, 951_782_400_000, 253_402_300_799_999, 253_402_300_800_000, 8.64e15, 8.64e15 + 1, -8.64e15, NaN, Infinity, 0.5, 1e12 + 0.999),
    );
    fc.assert(fc.property(clock, (ms) => {
      // The expect only where they differ: 10,000 runs of an expect cost more than the property itself.
      const [got, want] = [subject(ms), oracle(ms)];
      if (got !== want) expect(got).toBe(want);
    }), { numRuns: RUNS * 50 });
  });

  it('writes clocks on many days in any order, each as Date writes it', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4_102_444_800_000 }), { minLength: 1, maxLength: 300 }), (clocks) => {
        // One comparison of every clock's text (the same check as an expect each, without their cost).
        expect(clocks.map((ms) => isoString(ms))).toEqual(clocks.map((ms) => new Date(ms).toISOString()));
      }),
      { numRuns: RUNS },
    );
  });

  it('walks every millisecond across a day boundary and a leap day', () => {
    for (const start of [Date.UTC(2024, 1, 28, 23, 59, 58), Date.UTC(1999, 11, 31, 23, 59, 59), 0]) {
      const clocks = Array.from({ length: 4000 }, (_, i) => start + i);
      expect(clocks.map((ms) => isoString(ms))).toEqual(clocks.map((ms) => new Date(ms).toISOString()));
    }
  });
});

describe('isoString, every day', () => {
  it('writes midnight and the last millisecond of every day from 1970 to 2300, and of days up to 9999, as Date does', () => {
    const days = [...Array.from({ length: 120_000 }, (_, d) => d), ...Array.from({ length: 3000 }, (_, i) => 120_000 + i * 937), 2_932_896];
    for (const day of days) {
      const ms = day * 86_400_000;
      if (isoString(ms) !== new Date(ms).toISOString() || isoString(ms + 86_399_999) !== new Date(ms + 86_399_999).toISOString()) {
        expect(isoString(ms)).toBe(new Date(ms).toISOString());
        expect(isoString(ms + 86_399_999)).toBe(new Date(ms + 86_399_999).toISOString());
      }
    }
  });
});

describe('isoInto (compiled templates write clocks as bytes)', () => {
  const out = Buffer.alloc(40, 0xff);
  const written = (ms: number): string => {
    out.fill(0xff);
    const end = isoInto(out, 3, ms);
    expect(end).toBe(27);
    expect(out[2]).toBe(0xff);
    expect(out[27]).toBe(0xff);
    return out.toString('latin1', 3, end);
  };
  it('writes the bytes of Date.prototype.toISOString for every clock plainClock accepts, and plainClock accepts exactly those isoString writes itself', () => {
    const clock = fc.oneof(
      fc.integer({ min: 0, max: 253_402_300_800_000 - 1 }),
      fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }),
      fc.constantFrom(0, 86_399_999, 86_400_000, 951_782_400_000, 253_402_300_799_999),
    );
    fc.assert(fc.property(clock, (ms) => {
      expect(plainClock(ms)).toBe(true);
      expect(written(ms)).toBe(new Date(ms).toISOString());
    }), { numRuns: RUNS * 50 });
    for (const ms of [-1, -0.5, 0.5, 253_402_300_800_000, 8.64e15, NaN, Infinity, -Infinity]) expect(plainClock(ms), String(ms)).toBe(false);
  });

  it('walks every millisecond across a day boundary and a leap day', () => {
    for (const start of [Date.UTC(2024, 1, 28, 23, 59, 58), Date.UTC(1999, 11, 31, 23, 59, 59), 0]) {
      for (let ms = start; ms < start + 4000; ms++) expect(written(ms)).toBe(new Date(ms).toISOString());
    }
  });
});
