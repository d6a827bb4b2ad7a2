import { Bar, BarChart, CartesianGrid, Cell, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { variantColor } from './chart-colors';
import { StaggeredChart } from './StaggeredChart';

export interface CosineChartProps {
  /** Output names: one bar series each. */
  outputs: readonly string[];
  /** Per variant, each output's cosine against the original's; a missing output is not drawn. */
  variants: readonly { id: string; label: string; cosine: Readonly<Record<string, number>> }[];
}

/**
 * The y range that makes cosines near 1 distinguishable: from 1 − 10^k (the smallest power of ten
 * above the worst gap to 1, so the worst bar keeps some height) up to 1; gaps beyond 0.1 fall back
 * to the tenth below the worst value, down to −1.
 */
export function cosineDomain(cosines: readonly number[]): [number, number] {
  const finite = cosines.filter(Number.isFinite);
  const worst = finite.length > 0 ? Math.min(...finite) : 1;
  const gap = 1 - worst;
  if (gap <= 1e-6) return [0.99999, 1];
  const power = 10 ** Math.ceil(Math.log10(gap) + 1e-9);
  if (power < 1) return [Number((1 - power).toFixed(12)), 1];
  return [Math.max(-1, Math.ceil(Number((worst * 10 - 1).toFixed(9))) / 10), 1];
}

/** Evenly spaced ticks over a cosineDomain range, with the digits that tell them apart. */
export function cosineTicks([lo, hi]: readonly [number, number]): { ticks: number[]; digits: number } {
  const range = hi - lo;
  // Zoomed ranges are powers of ten: fifths of them. Wide ranges: tenths, fifths or halves.
  const step = range <= 0.1 ? range / 5 : range <= 0.6 ? 0.1 : range <= 1.2 ? 0.2 : 0.5;
  const digits = Math.max(1, Math.ceil(-Math.log10(step) - 1e-9));
  const count = Math.round(range / step);
  const ticks = Array.from({ length: count + 1 }, (_, i) => Number((hi - (count - i) * step).toFixed(digits)));
  return { ticks, digits };
}

/** Cosine of each variant's outputs against the original's, on an axis zoomed to where they differ. */
export function CosineChart(props: CosineChartProps) {
  return <StaggeredChart props={props} height={290} render={(p) => <CosineChartFigure {...p} />} />;
}

function CosineChartFigure({ outputs, variants }: CosineChartProps) {
  const data = variants.map((v) => ({ variant: v.label, ...v.cosine }));
  const domain = cosineDomain(variants.flatMap((v) => Object.values(v.cosine)));
  const { ticks, digits } = cosineTicks(domain);
  return (
    <figure className="chart" aria-label="Output cosine against the original">
      <ResponsiveContainer width="100%" height={260}>
        <BarChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 8 }} accessibilityLayer={false}>
          <CartesianGrid vertical={false} stroke="var(--grid)" />
          <XAxis dataKey="variant" stroke="var(--muted)" fontSize={12} />
          <YAxis
            stroke="var(--muted)"
            fontSize={12}
            domain={domain}
            allowDataOverflow
            ticks={ticks}
            tickFormatter={(v: number) => v.toFixed(digits)}
            width={digits * 8 + 16}
          />
          <Tooltip cursor={{ fill: 'var(--hover)' }} formatter={(value, name) => [Number(value).toFixed(6), `cosine ${String(name)}`]} />
          {outputs.length > 1 && <Legend itemSorter={null} />}
          {outputs.length === 1 ? (
            // One output: colour each bar as its variant is coloured in the size/latency chart.
            <Bar dataKey={outputs[0]!} name={outputs[0]!} radius={[4, 4, 0, 0]} isAnimationActive={false}>
              {variants.map((v, i) => (
                <Cell key={v.id} fill={variantColor(i)} />
              ))}
            </Bar>
          ) : (
            outputs.map((name, i) => <Bar key={name} dataKey={name} name={name} fill={variantColor(i)} radius={[4, 4, 0, 0]} isAnimationActive={false} />)
          )}
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="muted small">
        Output cosine vs the original (1 = identical), axis from {domain[0]} to 1; higher is better.
      </figcaption>
    </figure>
  );
}
