// Date.prototype.toISOString without a Date, for the clocks templates print (several per delivery of a `--count`
// run, some on random days: sign-ups, expiries): the calendar date from the day number by integer arithmetic
// (Howard Hinnant's days_from_civil inverse, exact over the proleptic Gregorian calendar), the time of day likewise,
// written as character codes into one flat string. The same characters as toISOString for every clock
// (test/generate-iso.test.ts checks it against Date across its range).

const MS_PER_DAY = 86_400_000;
/** 10000-01-01T00:00:00.000Z: from there on toISOString writes a six-digit year with a sign. */
const YEAR_10000 = 253_402_300_800_000;
const codes = [0, 0, 0, 0, 0x2d, 0, 0, 0x2d, 0, 0, 0x54, 0, 0, 0x3a, 0, 0, 0x3a, 0, 0, 0x2e, 0, 0, 0, 0x5a];

/** A number below 100 as two digits at `at` (month, day, hour, minute, second). */
function twoDigits(at: number, n: number): void {
  codes[at] = 0x30 + Math.floor(n / 10);
  codes[at + 1] = 0x30 + (n % 10);
}

export function isoString(ms: number): string {
  // Negative clocks, years past 9999, fractions (a Date truncates them) and NaN: as Date writes them (or throws).
  if (!(ms >= 0 && ms < YEAR_10000 && Math.floor(ms) === ms)) return new Date(ms).toISOString();
  const days = Math.floor(ms / MS_PER_DAY);
  // civil_from_days, for days >= 0 (1970-01-01 on): eras of 400 years (146,097 days) from 0000-03-01.
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  let t = ms - days * MS_PER_DAY;
  const milli = t % 1000;
  t = (t - milli) / 1000;
  const second = t % 60;
  t = (t - second) / 60;
  const minute = t % 60;
  const hour = (t - minute) / 60;
  codes[0] = 0x30 + Math.floor(year / 1000);
  codes[1] = 0x30 + (Math.floor(year / 100) % 10);
  codes[2] = 0x30 + (Math.floor(year / 10) % 10);
  codes[3] = 0x30 + (year % 10);
  twoDigits(5, month);
  twoDigits(8, day);
  twoDigits(11, hour);
  twoDigits(14, minute);
  twoDigits(17, second);
  codes[20] = 0x30 + Math.floor(milli / 100);
  codes[21] = 0x30 + (Math.floor(milli / 10) % 10);
  codes[22] = 0x30 + (milli % 10);
  return String.fromCharCode.apply(null, codes);
}
