import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ORIGINAL_COLOR, variantColor } from './chart-colors';
import { StaggeredChart } from './StaggeredChart';

export interface ChartSeries {
  id: string;
  label: string;
}

export interface ComparisonChartProps {
  /** The original first, then the variants: one bar each per metric. */
  series: readonly ChartSeries[];
  /** Per metric, each series' value relative to the original (original = 100); null while unmeasured. */
  metrics: readonly { metric: string; values: Readonly<Record<string, number | null>> }[];
}

/** Round ticks from 0 up to at least `max` percent: steps of 25, 50, 100… so labels stay readable. */
export function percentTicks(max: number): number[] {
  const step = [25, 50, 100, 250, 500, 1000].find((s) => max / s <= 5) ?? Math.ceil(max / 5 / 1000) * 1000;
  const top = Math.ceil(max / step) * step;
  return Array.from({ length: top / step + 1 }, (_, i) => i * step);
}

/** Size and latency of every model as % of the original's, so they share one axis; above 100% is worse, and shown. */
export function ComparisonChart(props: ComparisonChartProps) {
  return <StaggeredChart props={props} height={290} render={(p) => <ComparisonChartFigure {...p} />} />;
}

function ComparisonChartFigure({ series, metrics }: ComparisonChartProps) {
  const data = metrics.map((m) => ({ metric: m.metric, ...m.values }));
  const values = metrics.flatMap((m) => Object.values(m.values)).filter((v): v is number => v !== null && Number.isFinite(v));
  const ticks = percentTicks(Math.max(100, ...values));
  return (
    <figure className="chart" aria-label="Size and latency relative to the original">
      <ResponsiveContainer width="100%" height={260}>
        <BarChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 0 }} accessibilityLayer={false}>
          <CartesianGrid vertical={false} stroke="var(--grid)" />
          <XAxis dataKey="metric" stroke="var(--muted)" fontSize={12} />
          <YAxis unit="%" stroke="var(--muted)" fontSize={12} domain={[0, ticks[ticks.length - 1]!]} ticks={ticks} />
          <Tooltip cursor={{ fill: 'var(--hover)' }} formatter={(value, name) => [`${Number(value).toFixed(1)}% of original`, String(name)]} />
          <Legend itemSorter={null} />
          {series.map((s, i) => (
            <Bar
              key={s.id}
              dataKey={s.id}
              name={s.label}
              fill={i === 0 ? ORIGINAL_COLOR : variantColor(i - 1)}
              radius={[4, 4, 0, 0]}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="muted small">Size and median latency as % of the original (100%); lower is better.</figcaption>
    </figure>
  );
}
