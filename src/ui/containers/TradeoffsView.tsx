import { useMemo, useState } from 'react';
import { useComparisonRows } from '../hooks/use-comparison-rows';
import { ParetoChart } from '../components/ParetoChart';
import { AbView } from '../components/AbView';
import { paretoPoints } from '../store/pareto';

/** Size against latency coloured by fidelity for every model, with the Pareto front, and an A/B view of any two. */
export function TradeoffsView() {
  const { rows, outputs, gzip } = useComparisonRows();
  const points = useMemo(() => paretoPoints(rows), [rows]);
  // The two models of the A/B view: the original and the newest variant until the user picks.
  const [ab, setAb] = useState<{ a?: string; b?: string }>({});
  if (rows.length < 2) return null;
  const a = ab.a && rows.some((r) => r.id === ab.a) ? ab.a : rows[0]!.id;
  const b = ab.b && rows.some((r) => r.id === ab.b) ? ab.b : rows[rows.length - 1]!.id;
  return (
    <section className="panel" aria-label="Trade-offs" data-testid="tradeoffs">
      <header className="panel-header">
        <h2>Size, speed and fidelity</h2>
        <span className="muted">Every model on one chart; pick two to put side by side.</span>
      </header>
      <div className="grid-2">
        <ParetoChart points={points} picked={[a, b]} onPick={(id) => setAb({ a, b: id })} />
        <AbView rows={rows} outputs={outputs} gzip={gzip} a={a} b={b} onChange={(side, id) => setAb({ a, b, [side]: id })} />
      </div>
    </section>
  );
}
