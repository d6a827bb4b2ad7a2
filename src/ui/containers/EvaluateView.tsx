import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store/store-context';
import { sampleKey } from '../store/evaluation-slice';
import type { InputsUsed } from '../services/types';
import { AccuracyTable } from '../components/AccuracyTable';
import { PerLayerChart } from '../components/PerLayerChart';
import { PerLayerTable, worstLayers } from '../components/PerLayerTable';
import { ProgressBar } from '../components/ProgressBar';
import { useLayerActions } from '../hooks/use-layer-actions';
import { refitsByNode } from '../store/layer-changes';

export function describeInputs(inputs: InputsUsed): string {
  if (inputs.kind === 'synthetic') {
    const shapes = Object.entries(inputs.shapes)
      .map(([n, d]) => `${n} [${d.join('×')}]`)
      .join(', ');
    return `${inputs.count} seeded synthetic inputs (seed ${inputs.seed}${shapes ? `, ${shapes}` : ''})`;
  }
  const of = inputs.of > inputs.count ? ` (spread over all ${inputs.of})` : '';
  return `${inputs.count} of your ${inputs.labelled ? 'labelled ' : ''}samples${of}`;
}

/** Accuracy of every variant on the user's samples, and the per-layer debugger for one variant. */
export function EvaluateView() {
  const s = useStudio(
    useShallow((st) => ({
      variants: st.variants,
      layers: st.summary?.layers,
      evaluation: st.evaluation,
      evalStatus: st.evalStatus,
      evalProgress: st.evalProgress,
      evalError: st.evalError,
      perLayer: st.perLayer,
      perLayerVariant: st.perLayerVariant,
      perLayerStatus: st.perLayerStatus,
      perLayerProgress: st.perLayerProgress,
      perLayerError: st.perLayerError,
      samplesBusy: st.samplesStatus === 'reading' || st.samplesStatus === 'queued',
      key: sampleKey(st),
      evaluate: st.evaluateVariants,
      choose: st.choosePerLayerVariant,
      runPerLayer: st.runPerLayer,
      cancel: st.cancelEvaluation,
    })),
  );
  const layerActions = useLayerActions();
  const worst = useMemo(() => worstLayers(s.perLayer?.layers ?? []), [s.perLayer]);
  if (s.variants.length === 0) return null;
  const evaluating = s.evalStatus === 'running' || s.evalStatus === 'queued';
  const layering = s.perLayerStatus === 'running' || s.perLayerStatus === 'queued';
  const chosen = s.perLayerVariant ?? s.variants[s.variants.length - 1]!.id;
  const rows = s.variants.map((v) => ({ id: v.id, label: v.label, result: s.evaluation?.byVariant[v.id] }));
  const missing = s.evaluation ? s.variants.filter((v) => !s.evaluation!.byVariant[v.id]).length : 0;
  const layerVariant = s.variants.find((v) => v.id === s.perLayer?.variantId);
  const refits = layerVariant ? refitsByNode(layerVariant.steps, s.layers ?? []) : undefined;
  return (
    <section className="panel" aria-label="Evaluation" data-testid="evaluation">
      <header className="panel-header">
        <h2>Accuracy on your data</h2>
        <span className="muted">Each variant against the original on the same inputs.</span>
        <button type="button" className="button primary push-right" disabled={evaluating || s.samplesBusy} onClick={() => void s.evaluate()}>
          Evaluate {s.variants.length} variant{s.variants.length === 1 ? '' : 's'}
        </button>
      </header>
      {evaluating && <ProgressBar fraction={s.evalProgress.fraction} label={s.evalProgress.label} onCancel={s.cancel} />}
      {s.evalStatus === 'cancelled' && <p className="muted">Evaluation cancelled.</p>}
      {s.evaluation && (
        <>
          <p className="muted small" data-testid="eval-inputs">
            On {describeInputs(s.evaluation.inputs)}.
            {s.evaluation.sampleKey !== s.key && ' The samples or their settings changed since: evaluate again.'}
            {missing > 0 && ` ${missing} newer variant${missing === 1 ? ' is' : 's are'} not evaluated yet.`}
          </p>
          <AccuracyTable rows={rows} />
        </>
      )}
      <h3>Per-layer error</h3>
      <div className="actions">
        <div className="field inline-field">
          <label htmlFor="per-layer-variant">Variant</label>
          <select id="per-layer-variant" value={chosen} disabled={layering} onChange={(e) => s.choose(e.target.value)}>
            {s.variants.map((v) => (
              <option key={v.id} value={v.id}>
                {v.label}
              </option>
            ))}
          </select>
        </div>
        <button type="button" className="button" disabled={layering || s.samplesBusy} onClick={() => void s.runPerLayer()}>
          Show per-layer error
        </button>
        <span className="muted small">Runs both models with every shared activation exposed and scores each by SQNR: where it drops, that layer broke.</span>
      </div>
      {layering && <ProgressBar fraction={s.perLayerProgress.fraction} label={s.perLayerProgress.label} onCancel={s.cancel} />}
      {s.perLayer && layerVariant && (
        <div data-testid="per-layer">
          <p className="muted small" data-testid="per-layer-inputs">
            {layerVariant.label}: {s.perLayer.layers.length} activations on {describeInputs(s.perLayer.inputs)}.
            {s.perLayer.sampleKey !== s.key && ' The samples or their settings changed since: run it again.'}
          </p>
          <PerLayerChart layers={s.perLayer.layers} worst={worst} />
          <PerLayerTable layers={s.perLayer.layers} worst={worst} actions={layerActions} refits={refits} />
        </div>
      )}
    </section>
  );
}
