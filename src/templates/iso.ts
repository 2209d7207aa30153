// Date.prototype.toISOString without a Date, for the clocks templates print (several per delivery of a `--count`
// run, some on random days: sign-ups, expiries): the calendar date from the day number by integer arithmetic
// (Howard Hinnant's days_from_civil inverse, exact over the proleptic Gregorian calendar), the time of day likewise,
// written as character codes: one String.fromCharCode of 24 arguments (a third cheaper than `apply` over an array),
// or as bytes straight into a compiled template's output (isoInto). The same characters as toISOString for every
// clock (test/generate-iso.test.ts checks both against Date across its range).

const MS_PER_DAY = 86_400_000;
/** 10000-01-01T00:00:00.000Z: from there on toISOString writes a six-digit year with a sign. */
const YEAR_10000 = 253_402_300_800_000;
const ZERO = 0x30;

/** A clock isoString and isoInto write themselves (else Date does, or throws). */
export function plainClock(ms: number): boolean {
  return ms >= 0 && ms < YEAR_10000 && Math.floor(ms) === ms;
}

/**
 * The calendar date of a day number >= 0 (1970-01-01 on) as year * 10000 + month * 100 + day. Every quantity here is
 * a non-negative int32 (a day number below 2.93 million), so `| 0` is floor and V8 keeps to integer arithmetic: with
 * Math.floor over doubles and `%` on them (a call into C, fmod) a clock cost twice as much.
 */
function civilFromDays(days: number): number {
  // civil_from_days: eras of 400 years (146,097 days) from 0000-03-01.
  const z = (days + 719_468) | 0;
  const era = (z / 146_097) | 0;
  const doe = (z - era * 146_097) | 0;
  const yoe = ((doe - ((doe / 1460) | 0) + ((doe / 36_524) | 0) - ((doe / 146_096) | 0)) / 365) | 0;
  const doy = (doe - (365 * yoe + ((yoe / 4) | 0) - ((yoe / 100) | 0))) | 0;
  const mp = ((5 * doy + 2) / 153) | 0;
  const day = (doy - (((153 * mp + 2) / 5) | 0) + 1) | 0;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = (yoe + era * 400 + (month <= 2 ? 1 : 0)) | 0;
  return year * 10000 + month * 100 + day;
}

export function isoString(ms: number): string {
  // Negative clocks, years past 9999, fractions (a Date truncates them) and NaN: as Date writes them (or throws).
  if (!plainClock(ms)) return new Date(ms).toISOString();
  const days = Math.floor(ms / MS_PER_DAY) | 0;
  const ymd = civilFromDays(days);
  const year = (ymd / 10000) | 0;
  const month = ((ymd / 100) | 0) % 100;
  const day = ymd % 100;
  // The time of day in ms, an int32 from here on.
  let t = (ms - days * MS_PER_DAY) | 0;
  const milli = t % 1000;
  t = (t / 1000) | 0;
  const second = t % 60;
  t = (t / 60) | 0;
  const minute = t % 60;
  const hour = (t / 60) | 0;
  return String.fromCharCode(
    ZERO + ((year / 1000) | 0), ZERO + (((year / 100) | 0) % 10), ZERO + (((year / 10) | 0) % 10), ZERO + (year % 10), 0x2d,
    ZERO + ((month / 10) | 0), ZERO + (month % 10), 0x2d, ZERO + ((day / 10) | 0), ZERO + (day % 10), 0x54,
    ZERO + ((hour / 10) | 0), ZERO + (hour % 10), 0x3a, ZERO + ((minute / 10) | 0), ZERO + (minute % 10), 0x3a,
    ZERO + ((second / 10) | 0), ZERO + (second % 10), 0x2e,
    ZERO + ((milli / 100) | 0), ZERO + (((milli / 10) | 0) % 10), ZERO + (milli % 10), 0x5a,
  );
}

/**
 * isoString(ms) as its 24 ASCII bytes into `out` from `at`, for a clock where plainClock(ms) holds (the caller
 * checks: compiled templates leave other clocks to the interpreted path). Returns the end.
 */
export function isoInto(out: Uint8Array, at: number, ms: number): number {
  const days = Math.floor(ms / MS_PER_DAY) | 0;
  const ymd = civilFromDays(days);
  const year = (ymd / 10000) | 0;
  const month = ((ymd / 100) | 0) % 100;
  const day = ymd % 100;
  // The time of day in ms, an int32 from here on.
  let t = (ms - days * MS_PER_DAY) | 0;
  const milli = t % 1000;
  t = (t / 1000) | 0;
  const second = t % 60;
  t = (t / 60) | 0;
  const minute = t % 60;
  const hour = (t / 60) | 0;
  out[at] = ZERO + ((year / 1000) | 0);
  out[at + 1] = ZERO + (((year / 100) | 0) % 10);
  out[at + 2] = ZERO + (((year / 10) | 0) % 10);
  out[at + 3] = ZERO + (year % 10);
  out[at + 4] = 0x2d;
  out[at + 5] = ZERO + ((month / 10) | 0);
  out[at + 6] = ZERO + (month % 10);
  out[at + 7] = 0x2d;
  out[at + 8] = ZERO + ((day / 10) | 0);
  out[at + 9] = ZERO + (day % 10);
  out[at + 10] = 0x54;
  out[at + 11] = ZERO + ((hour / 10) | 0);
  out[at + 12] = ZERO + (hour % 10);
  out[at + 13] = 0x3a;
  out[at + 14] = ZERO + ((minute / 10) | 0);
  out[at + 15] = ZERO + (minute % 10);
  out[at + 16] = 0x3a;
  out[at + 17] = ZERO + ((second / 10) | 0);
  out[at + 18] = ZERO + (second % 10);
  out[at + 19] = 0x2e;
  out[at + 20] = ZERO + ((milli / 100) | 0);
  out[at + 21] = ZERO + (((milli / 10) | 0) % 10);
  out[at + 22] = ZERO + (milli % 10);
  out[at + 23] = 0x5a;
  return at + 24;
}
