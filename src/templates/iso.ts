// Date.prototype.toISOString without a Date, for the clocks templates print (several per delivery of a `--count`
// run): the day's "YYYY-MM-DDT" is made once by a Date and kept, the time of day is integer arithmetic. The same
// characters as toISOString for every clock (test/generate-iso.test.ts checks it against Date across its range).

/** Days kept: a template's clocks fall on a few days (the delivery's, an expiry weeks later, a sign-up months ago). */
const DAYS = 64;
const dayOf = new Float64Array(DAYS).fill(NaN);
/** Per kept day, the 24 character codes of its ISO string; the time of day is written over positions 11..22. */
const codesOf: number[][] = Array.from({ length: DAYS }, () => new Array<number>(24).fill(0));
const MS_PER_DAY = 86_400_000;
/** 10000-01-01T00:00:00.000Z: from there on toISOString writes a six-digit year with a sign. */
const YEAR_10000 = 253_402_300_800_000;

export function isoString(ms: number): string {
  // Negative clocks, years past 9999, fractions (a Date truncates them) and NaN: as Date writes them (or throws).
  if (!(ms >= 0 && ms < YEAR_10000 && Math.floor(ms) === ms)) return new Date(ms).toISOString();
  const day = Math.floor(ms / MS_PER_DAY);
  const slot = day & (DAYS - 1);
  const codes = codesOf[slot]!;
  if (dayOf[slot] !== day) {
    const text = new Date(day * MS_PER_DAY).toISOString();
    for (let i = 0; i < 24; i++) codes[i] = text.charCodeAt(i);
    dayOf[slot] = day;
  }
  let t = ms - day * MS_PER_DAY;
  const milli = t % 1000;
  t = (t - milli) / 1000;
  const second = t % 60;
  t = (t - second) / 60;
  const minute = t % 60;
  const hour = (t - minute) / 60;
  codes[11] = 0x30 + ((hour / 10) | 0);
  codes[12] = 0x30 + (hour % 10);
  codes[14] = 0x30 + ((minute / 10) | 0);
  codes[15] = 0x30 + (minute % 10);
  codes[17] = 0x30 + ((second / 10) | 0);
  codes[18] = 0x30 + (second % 10);
  codes[20] = 0x30 + ((milli / 100) | 0);
  codes[21] = 0x30 + (((milli / 10) | 0) % 10);
  codes[22] = 0x30 + (milli % 10);
  return String.fromCharCode.apply(null, codes);
}
