import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { LayerError } from '../../core/evaluate/per-layer-result';

/** SQNR bars are capped here: exact tensors (infinite SQNR) and near-exact ones would flatten the rest. */
export const SQNR_CAP_DB = 80;

export interface PerLayerChartProps {
  layers: readonly LayerError[];
  /** Tensor names to draw in the warning colour. */
  worst: ReadonlySet<string>;
}

/** SQNR of each compared activation in graph order: where the bars drop, the error comes in. */
export function PerLayerChart({ layers, worst }: PerLayerChartProps) {
  const data = layers.map((l, i) => ({ index: i + 1, tensor: l.tensor, op: l.opType, sqnr: Math.min(SQNR_CAP_DB, Number.isFinite(l.sqnrDb) ? l.sqnrDb : SQNR_CAP_DB), exact: l.sqnrDb }));
  return (
    <figure className="chart" aria-label="SQNR per layer in graph order" data-testid="per-layer-chart">
      <ResponsiveContainer width="100%" height={240}>
        <BarChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 8 }} barCategoryGap={1} accessibilityLayer={false}>
          <CartesianGrid vertical={false} stroke="var(--grid)" />
          <XAxis dataKey="index" stroke="var(--muted)" fontSize={11} interval="preserveStartEnd" minTickGap={16} />
          <YAxis stroke="var(--muted)" fontSize={12} domain={[0, SQNR_CAP_DB]} width={36} unit="" />
          <Tooltip
            cursor={{ fill: 'var(--hover)' }}
            formatter={(_v, _n, item) => {
              const p = item.payload as (typeof data)[number];
              return [Number.isFinite(p.exact) ? `${p.exact.toFixed(1)} dB` : 'exact', `${p.tensor} (${p.op})`];
            }}
            labelFormatter={(label) => `#${String(label)}`}
          />
          <Bar dataKey="sqnr" isAnimationActive={false}>
            {data.map((d) => (
              <Cell key={d.tensor} fill={worst.has(d.tensor) ? 'var(--error)' : 'var(--accent)'} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="muted small">
        SQNR (dB) of each activation against the original&apos;s, in graph order (higher is better; capped at {SQNR_CAP_DB} dB). Red: the worst layers.
      </figcaption>
    </figure>
  );
}
