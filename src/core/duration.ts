// One grammar for every duration a user types (flags and scenario files): `500ms`, `1.5s`, `30s`, `2m`, `1h`,
// and a bare number is seconds, as in `curl --max-time 30`, `sleep 30` and `listen --timeout 30`.
// A bare number too large to be meant as seconds (`--timeout 10000`, from the days when some flags took ms)
// is refused with the ms spelling to use: nothing waits for hours because of a missing unit.

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

export const DURATION_GRAMMAR = '500ms, 30s, 2m or 1h; a bare number is seconds';

export interface ParsedDuration {
  ms: number;
  /** True when no unit was written. */
  bare: boolean;
}

/** "250ms", "1.5s", "2m", "1h", "30" (seconds) → ms; undefined when the text is not a duration. */
export function parseDuration(text: string): ParsedDuration | undefined {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|sec|m|min|h)?\s*$/i.exec(text);
  if (!m) return undefined;
  const unit = m[2]?.toLowerCase();
  const ms = Math.round(Number(m[1]) * UNIT_MS[unit ?? 's']!);
  return Number.isSafeInteger(ms) ? { ms, bare: unit === undefined } : undefined;
}

/** "250 ms", "1.5 s", "16 min 40 s", "2 h 47 min", "3 d 4 h": short human form of a duration. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s`;
  const s = Math.round(ms / 1000);
  const two = (big: number, bigUnit: string, small: number, smallUnit: string) => `${big} ${bigUnit}${small ? ` ${small} ${smallUnit}` : ''}`;
  if (s < 3600) return two(Math.floor(s / 60), 'min', s % 60, 's');
  if (s < 86_400) return two(Math.floor(s / 3600), 'h', Math.floor((s % 3600) / 60), 'min');
  return two(Math.floor(s / 86_400), 'd', Math.floor((s % 86_400) / 3600), 'h');
}

export interface DurationRule {
  /** Smallest value (ms). Default 0. */
  minMs?: number;
  /** True when 0 itself is refused ("must be more than 0"). */
  positive?: boolean;
  /** Largest value (ms). */
  maxMs: number;
  /** Largest value a bare number may stand for (ms); above it the unit must be written. Default maxMs. */
  bareMaxMs?: number;
}

/** Why `text` is not an acceptable duration under `rule`, or its value in ms. */
export function checkDuration(text: string, rule: DurationRule): { ms: number } | { problem: string } {
  const parsed = parseDuration(text);
  if (!parsed) return { problem: `"${text}" is not a duration (${DURATION_GRAMMAR})` };
  const { ms, bare } = parsed;
  if (rule.positive && ms === 0) return { problem: `must be more than 0, got "${text}"` };
  if (ms < (rule.minMs ?? 0)) return { problem: `at least ${formatDuration(rule.minMs!)}, got "${text}"` };
  const bareMax = rule.bareMaxMs ?? rule.maxMs;
  if (bare && ms > bareMax) {
    return { problem: `${text} would be ${formatDuration(ms)} (a bare number is seconds): write ${text.trim()}ms for milliseconds, or give the unit (${text.trim()}s, 2m)` };
  }
  if (ms > rule.maxMs) return { problem: `at most ${formatDuration(rule.maxMs)}, got "${text}"` };
  return { ms };
}
