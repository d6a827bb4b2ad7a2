import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export interface ComparisonChartProps {
  originalLabel: string;
  variantLabel: string;
  /** One group per metric, values relative to the original (original = 100). */
  metrics: readonly { metric: string; original: number; variant: number }[];
}

/** Round ticks from 0 up to at least `max` percent: steps of 25, 50, 100… so labels stay readable. */
export function percentTicks(max: number): number[] {
  const step = [25, 50, 100, 250, 500, 1000].find((s) => max / s <= 5) ?? Math.ceil(max / 5 / 1000) * 1000;
  const top = Math.ceil(max / step) * step;
  return Array.from({ length: top / step + 1 }, (_, i) => i * step);
}

/** Original vs compressed per metric, as % of the original so size and latency share one axis. */
export function ComparisonChart({ originalLabel, variantLabel, metrics }: ComparisonChartProps) {
  const data = metrics.map((m) => ({
    metric: m.metric,
    original: 100,
    variant: m.original > 0 ? (100 * m.variant) / m.original : 0,
  }));
  const ticks = percentTicks(Math.max(100, ...data.map((d) => d.variant)));
  return (
    <figure className="chart" aria-label="Original versus compressed">
      <ResponsiveContainer width="100%" height={240}>
        <BarChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid vertical={false} stroke="var(--grid)" />
          <XAxis dataKey="metric" stroke="var(--muted)" fontSize={12} />
          <YAxis unit="%" stroke="var(--muted)" fontSize={12} domain={[0, ticks[ticks.length - 1]!]} ticks={ticks} />
          <Tooltip
            cursor={{ fill: 'var(--hover)' }}
            formatter={(value, name) => [`${Number(value).toFixed(1)}% of original`, String(name)]}
          />
          <Legend />
          <Bar dataKey="original" name={originalLabel} fill="var(--muted-bar)" radius={[4, 4, 0, 0]} isAnimationActive={false} />
          <Bar dataKey="variant" name={variantLabel} fill="var(--accent)" radius={[4, 4, 0, 0]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="muted small">Relative to the original (100%); lower is better.</figcaption>
    </figure>
  );
}
