/**
 * Nearest-rank percentiles of latency samples.
 * @module
 */

/** Percentiles of a set of samples, in the samples' unit. */
export interface PercentileSummary {
  readonly p50: number;
  readonly p99: number;
  readonly samples: number;
}

/** The nearest-rank `p`-th percentile (0 < p <= 100) of `values`; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** p50 and p99, rounded to `digits` decimals. */
export function summarizePercentiles(values: readonly number[], digits = 2): PercentileSummary {
  const round = (x: number): number => Math.round(x * 10 ** digits) / 10 ** digits;
  return { p50: round(percentile(values, 50)), p99: round(percentile(values, 99)), samples: values.length };
}
