/** Percentiles and number formatting for the report. */

export interface Latency {
  p50: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of unsorted values (ms). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function latency(values: readonly number[]): Latency {
  return { p50: percentile(values, 50), p99: percentile(values, 99), max: values.length ? values.reduce((a, b) => Math.max(a, b), -Infinity) : NaN };
}

export const ms = (v: number) => (Number.isFinite(v) ? (v >= 100 ? `${Math.round(v)} ms` : `${v.toFixed(1)} ms`) : '—');
export const sec = (v: number) => (Number.isFinite(v) ? `${(v / 1000).toFixed(2)} s` : '—');
export const num = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '—');
export const mib = (v: number) => (Number.isFinite(v) ? `${Math.round(v)} MiB` : '—');
export const pct = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(1)} %` : '—');

/**
 * The shortest time in which `n` sends can go out under sliding-window limits (`limit` per `windowMs`
 * each), starting at 0: send k goes at max(send k−1, send k−limit + window) for every window.
 */
export function idealSpanMs(n: number, windows: readonly { limit: number; windowMs: number }[]): number {
  if (n <= 1) return 0;
  const t: number[] = [0];
  for (let k = 1; k < n; k++) {
    let at = t[k - 1]!;
    for (const w of windows) if (k >= w.limit) at = Math.max(at, t[k - w.limit]! + w.windowMs);
    t.push(at);
  }
  return t[n - 1]!;
}
