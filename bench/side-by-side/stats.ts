/** One reported figure: what was measured, how often, its median and p95, and the target. */
export interface Figure {
  name: string;
  unit: string;
  median: number | null;
  p95: number | null;
  runs: number;
  target: string;
  /** null: no target, or nothing measured. */
  met: boolean | null;
  note?: string;
}

export function percentile(samples: readonly number[], p: number): number | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? null;
}

const round = (n: number | null): number | null => (n === null ? null : Math.round(n * 10) / 10);

/** A figure from samples; `check` judges it against the target (given the median and p95). */
export function figure(
  name: string,
  unit: string,
  samples: readonly number[],
  target: string,
  check?: (median: number, p95: number) => boolean,
  note?: string,
): Figure {
  const median = percentile(samples, 0.5);
  const p95 = percentile(samples, 0.95);
  return {
    name,
    unit,
    median: round(median),
    p95: round(p95),
    runs: samples.length,
    target,
    met: check && median !== null && p95 !== null ? check(median, p95) : null,
    ...(note ? { note } : {}),
  };
}

/** A figure that was not measured, with the reason. */
export const notMeasured = (name: string, unit: string, target: string, note: string): Figure => ({
  name,
  unit,
  median: null,
  p95: null,
  runs: 0,
  target,
  met: null,
  note,
});

export const elapsedMs = (since: number): number => performance.now() - since;
