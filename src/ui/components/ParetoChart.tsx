import { CartesianGrid, Cell, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis } from 'recharts';
import { formatBytes, formatMs } from '../../core/util/format';
import { describeFidelity, fidelityColor, paretoFront, type ParetoPoint } from '../store/pareto';

export interface ParetoChartProps {
  /** The original first, then every variant. */
  points: readonly ParetoPoint[];
  /** Ids of the two models in the A/B view, ringed on the chart. */
  picked?: readonly string[];
  /** Clicking a point picks it for the A/B view. */
  onPick?(id: string): void;
}

interface Datum extends ParetoPoint {
  medianMs: number;
  onFront: boolean;
}

function PointTip({ active, payload }: { active?: boolean; payload?: readonly { payload?: Datum }[] }) {
  const d = active ? payload?.[0]?.payload : undefined;
  if (!d) return null;
  return (
    <div className="chart-tooltip small">
      <strong>{d.label}</strong>
      <div>
        {formatBytes(d.sizeBytes)} · {formatMs(d.medianMs)}
      </div>
      <div>{describeFidelity(d.fidelity)}</div>
      {d.onFront && <div>on the Pareto front</div>}
    </div>
  );
}

/**
 * Size against median latency for the original and every timed variant, each point coloured by
 * its fidelity (lowest output cosine against the original); the Pareto front (no other model is
 * both smaller and faster) is joined by a line and its points ringed.
 */
export function ParetoChart({ points, picked = [], onPick }: ParetoChartProps) {
  const front = paretoFront(points);
  const data: Datum[] = points.flatMap((p) => (p.medianMs === null ? [] : [{ ...p, medianMs: p.medianMs, onFront: front.includes(p.id) }]));
  const frontData = front.map((id) => data.find((d) => d.id === id)!);
  const untimed = points.filter((p) => p.medianMs === null);
  return (
    <figure className="chart pareto-chart" aria-label="Size against latency, coloured by fidelity" data-testid="pareto-chart" data-points={data.length} data-front={front.join(' ')}>
      {data.length === 0 ? (
        <p className="muted chart-placeholder">The size/latency chart appears once the models are timed.</p>
      ) : (
        <ResponsiveContainer width="100%" height={280}>
          <ScatterChart margin={{ top: 12, right: 20, bottom: 24, left: 8 }} accessibilityLayer={false}>
            <CartesianGrid stroke="var(--grid)" />
            <XAxis
              type="number"
              dataKey="sizeBytes"
              name="File size"
              domain={[0, 'auto']}
              tickFormatter={(v: number) => formatBytes(v)}
              stroke="var(--muted)"
              fontSize={12}
              label={{ value: 'file size', position: 'insideBottom', offset: -12, fontSize: 12 }}
            />
            <YAxis
              type="number"
              dataKey="medianMs"
              name="Median latency"
              domain={[0, 'auto']}
              tickFormatter={(v: number) => formatMs(v)}
              stroke="var(--muted)"
              fontSize={12}
              width={64}
            />
            <ZAxis range={[90, 90]} />
            <Tooltip content={<PointTip />} cursor={{ strokeDasharray: '3 3' }} />
            <Scatter data={frontData} line={{ stroke: 'var(--muted)', strokeDasharray: '4 3' }} shape={() => <g />} isAnimationActive={false} legendType="none" />
            <Scatter data={data} isAnimationActive={false} onClick={(d: { payload?: Datum }) => d.payload && onPick?.(d.payload.id)}>
              {data.map((d) => (
                <Cell
                  key={d.id}
                  fill={fidelityColor(d.fidelity)}
                  stroke={picked.includes(d.id) ? 'var(--text, #222)' : d.onFront ? 'var(--muted)' : 'none'}
                  strokeWidth={picked.includes(d.id) ? 3 : 2}
                  data-point={d.label}
                />
              ))}
            </Scatter>
          </ScatterChart>
        </ResponsiveContainer>
      )}
      <figcaption className="muted small">
        Lower left is better. Colour: lowest output cosine against the original, from red (under one digit of agreement) to green (six or more).
        {front.length > 0 && (
          <>
            {' '}
            Pareto front (nothing else is both smaller and faster): <span data-testid="pareto-front">{front.map((id) => data.find((d) => d.id === id)!.label).join(', ')}</span>.
          </>
        )}
        {untimed.length > 0 && ` Not drawn until timed with the original: ${untimed.map((p) => p.label).join(', ')}.`}
      </figcaption>
    </figure>
  );
}
