/** Latency summary of a `--repeat` run, in ms. */
export interface LatencySummary {
  min: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/**
 * Nearest-rank percentile (the smallest value with at least p% of the samples at or below it) of an
 * ascending array. Nearest rank reports a latency that really happened, never an interpolated one.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const rank = Math.ceil((p / 100) * n);
  return sorted[Math.min(n - 1, Math.max(0, rank - 1))]!;
}

export function summarizeLatencies(samples: Float64Array | number[]): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  if (n === 0) return { min: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i]!;
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    min: round(sorted[0]!),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[n - 1]!),
    mean: round(sum / n),
  };
}

/** Requests per second over a wall-clock duration. */
export function rate(count: number, durationMs: number): number {
  return durationMs > 0 ? Math.round((count / durationMs) * 1000 * 10) / 10 : 0;
}
