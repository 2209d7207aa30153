import { describe, expect, it } from 'vitest';
import { checkDuration, formatDuration, parseDuration } from '../src/core/duration.js';
import { DURATIONS, durationOption, parseTime } from '../src/commands/shared.js';

describe('one duration grammar', () => {
  it('reads units, and a bare number as seconds', () => {
    expect(parseDuration('250ms')).toEqual({ ms: 250, bare: false });
    expect(parseDuration('1.5s')).toEqual({ ms: 1500, bare: false });
    expect(parseDuration('2m')).toEqual({ ms: 120_000, bare: false });
    expect(parseDuration('2min')).toEqual({ ms: 120_000, bare: false });
    expect(parseDuration('1h')).toEqual({ ms: 3_600_000, bare: false });
    expect(parseDuration('30')).toEqual({ ms: 30_000, bare: true });
    expect(parseDuration('0.5')).toEqual({ ms: 500, bare: true });
    expect(parseDuration('0')).toEqual({ ms: 0, bare: true });
    for (const bad of ['-1', 'fast', '', '1e3', '5 parsecs', '1,5s', '2mm']) expect(parseDuration(bad)).toBeUndefined();
  });
  it('formats durations for people', () => {
    expect(formatDuration(250)).toBe('250 ms');
    expect(formatDuration(1500)).toBe('1.5 s');
    expect(formatDuration(1_000_000)).toBe('16 min 40 s');
    expect(formatDuration(3_600_000)).toBe('1 h');
    expect(formatDuration(10_000_000)).toBe('2 h 46 min');
    expect(formatDuration(3 * 86_400_000)).toBe('3 d');
  });
  it('send --timeout 30 is 30 seconds, never 30 ms', () => {
    expect(durationOption('30', '--timeout', DURATIONS.request)).toBe(30_000);
    expect(durationOption('30ms', '--timeout', DURATIONS.request)).toBe(30);
  });
  it('a bare number too large for seconds is refused with the ms spelling', () => {
    expect(() => durationOption('10000', '--timeout', DURATIONS.request)).toThrow('--timeout: 10000 would be 2 h 46 min (a bare number is seconds): write 10000ms for milliseconds');
    expect(durationOption('10000ms', '--timeout', DURATIONS.request)).toBe(10_000);
    expect(() => durationOption('0', '--timeout', DURATIONS.request)).toThrow(/must be more than 0/);
    expect(() => durationOption('11m', '--timeout', DURATIONS.request)).toThrow(/at most 10 min/);
    expect(() => durationOption('soon', '--timeout', DURATIONS.request)).toThrow('--timeout: "soon" is not a duration (500ms, 30s, 2m or 1h; a bare number is seconds)');
  });
  it('a listener may run for hours given as a bare number', () => {
    expect(durationOption('3600', '--timeout', DURATIONS.run)).toBe(3_600_000);
    expect('problem' in checkDuration('8d', DURATIONS.run)).toBe(true);
  });
});

describe('parseTime (--timestamp, --now): unix seconds or ISO-8601, nothing V8 merely guesses at', () => {
  it('reads unix seconds, milliseconds and ISO-8601 with or without a time and a zone', () => {
    expect(parseTime('1', '--timestamp')).toBe(1000);
    expect(parseTime(' 1700000000\n', '--timestamp')).toBe(1_700_000_000_000);
    expect(parseTime('1700000000123', '--now')).toBe(1_700_000_000_123);
    expect(parseTime('2026-01-01', '--now')).toBe(Date.UTC(2026, 0, 1));
    expect(parseTime('2026-01-01T10:00:00.5+05:30', '--now')).toBe(Date.UTC(2026, 0, 1, 4, 30, 0, 500));
  });

  // Date.parse's fallback read each of these as a day of 2001 (t=978307200 for "Jan 1"): a signature over a
  // timestamp nobody asked for.
  // 14 digits were read as milliseconds and signed a time in the year 5138, 11 digits as seconds likewise: typos.
  it.each([
    ['99999999999999', 5138],
    ['99999999999', 5138],
    ['7258118400', 2200],
    ['9999-12-31T23:59:59Z', 9999],
  ])('%j is out of range, said with its year', (text, year) => {
    expect(() => parseTime(text, '--now')).toThrow(`--now: "${text}" is in the year ${year}: expected a time before 2200 (unix seconds have 10 digits, milliseconds 13)`);
  });

  it('the range\'s edges', () => {
    expect(parseTime('0', '--timestamp')).toBe(0);
    expect(parseTime('7258118399', '--timestamp')).toBe(7_258_118_399_000);
    expect(parseTime('2199-12-31T23:59:59.999Z', '--now')).toBe(Date.UTC(2200, 0, 1) - 1);
    // Before 1970 is the caller's to judge (generate's schema refuses such payloads; a negative t= is a test case).
    expect(parseTime('1969-12-31T23:59:59Z', '--now')).toBe(-1000);
    expect(parseTime('2028-02-29', '--now')).toBe(Date.UTC(2028, 1, 29));
    expect(parseTime('2026-01-31T23:59:59Z', '--now')).toBe(Date.UTC(2026, 0, 31, 23, 59, 59));
  });

  it('leading zeros do not change the unit: 00000001700000000 is seconds (it was read as milliseconds: t=1700000)', () => {
    expect(parseTime('00000001700000000', '--timestamp')).toBe(1_700_000_000_000);
    expect(parseTime('0001700000000123', '--now')).toBe(1_700_000_000_123);
    expect(parseTime('000', '--timestamp')).toBe(0);
  });

  // V8 rolled a day past the month's end into the next month (2026-02-30 signed 2 March): a time nobody asked for.
  it.each(['-5', '1.5', 'Jan 1', '1 2', 'yesterday', '2026-13-01', '0x10', '2026-02-30', '2026-04-31T10:00:00Z', '2026-02-29'])('%j is one clear error', (text) => {
    expect(() => parseTime(text, '--timestamp')).toThrow(`--timestamp: "${text}" is not a time (use ISO-8601 like 2026-01-01T00:00:00Z, or unix seconds)`);
  });
});
