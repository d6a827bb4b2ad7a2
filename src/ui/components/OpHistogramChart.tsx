import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { StaggeredChart } from './StaggeredChart';

/** Op counts, most frequent first; the tail beyond `limit` folds into 'other'. */
export function histogramRows(histogram: Readonly<Record<string, number>>, limit: number): { op: string; count: number }[] {
  const rows = Object.entries(histogram)
    .map(([op, count]) => ({ op, count }))
    .sort((a, b) => b.count - a.count || a.op.localeCompare(b.op));
  if (rows.length <= limit) return rows;
  const other = rows.slice(limit - 1).reduce((sum, r) => sum + r.count, 0);
  return [...rows.slice(0, limit - 1), { op: 'other', count: other }];
}

export interface OpHistogramChartProps {
  histogram: Readonly<Record<string, number>>;
  limit?: number;
}

const chartHeight = (bars: number): number => Math.max(160, bars * 24 + 40);

export function OpHistogramChart(props: OpHistogramChartProps) {
  const bars = Math.min(Object.keys(props.histogram).length, props.limit ?? 14);
  return <StaggeredChart props={props} height={chartHeight(bars)} render={(p) => <OpHistogramFigure {...p} />} />;
}

function OpHistogramFigure({ histogram, limit = 14 }: OpHistogramChartProps) {
  const rows = histogramRows(histogram, limit);
  return (
    <figure className="chart" aria-label="Operator histogram">
      <ResponsiveContainer width="100%" height={chartHeight(rows.length)}>
        <BarChart data={rows} layout="vertical" margin={{ top: 4, right: 24, bottom: 4, left: 8 }} accessibilityLayer={false}>
          <CartesianGrid horizontal={false} stroke="var(--grid)" />
          <XAxis type="number" allowDecimals={false} stroke="var(--muted)" fontSize={12} />
          <YAxis type="category" dataKey="op" width={130} stroke="var(--muted)" fontSize={12} interval={0} />
          <Tooltip cursor={{ fill: 'var(--hover)' }} />
          <Bar dataKey="count" name="Nodes" fill="var(--accent)" radius={[0, 4, 4, 0]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
