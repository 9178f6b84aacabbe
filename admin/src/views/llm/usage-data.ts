import type { UsageLatency, UsageSeries } from '@ai-secretary/protocol';
import type { ChartSeries } from '../../components/chart-types.js';

export const DAY_MS = 86_400_000;

/** UTC midnights of the last `days` days, oldest first (the server buckets by UTC day). */
export function dayStarts(days: number, nowMs: number): number[] {
  const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
  return Array.from({ length: days }, (_, i) => today - (days - 1 - i) * DAY_MS);
}

export const dayLabel = (ms: number) => new Date(ms).toISOString().slice(5, 10);

type Point = UsageSeries['points'][number];

/** One series per provider with a value for every day (0 where it had no calls). */
export function perProvider(points: Point[], days: number[], value: (p: Point) => number): ChartSeries[] {
  const index = new Map(days.map((ms, i) => [ms, i]));
  const byKey = new Map<string, number[]>();
  for (const point of points) {
    const day = index.get(Date.parse(point.at));
    if (day === undefined) continue;
    const key = point.key ?? 'all';
    const values = byKey.get(key) ?? days.map(() => 0);
    values[day] = (values[day] ?? 0) + value(point);
    byKey.set(key, values);
  }
  return [...byKey.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, values]) => ({ name, values }));
}

/** Latency bars: one group per provider (and "all"), four series TTFT/total × p50/p95. */
export function latencySeries(latency: UsageLatency, names: { ttft: string; total: string }) {
  const rows = [...latency.providers, latency.total];
  const labels = rows.map((r) => r.key);
  const series: ChartSeries[] = [
    { name: `${names.ttft} p50`, values: rows.map((r) => r.ttftP50Ms) },
    { name: `${names.ttft} p95`, values: rows.map((r) => r.ttftP95Ms) },
    { name: `${names.total} p50`, values: rows.map((r) => r.totalP50Ms) },
    { name: `${names.total} p95`, values: rows.map((r) => r.totalP95Ms) },
  ];
  return { labels, series };
}
