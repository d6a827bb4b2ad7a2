import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store/store-context';
import type { MethodInfo } from '../store/studio-state';
import { draftToRecipe, type OptionValue } from '../store/recipe';
import type { RecipeInput } from '../services/types';
import { RecipeStepCard } from '../components/RecipeStepCard';
import { OverridesEditor } from '../components/OverridesEditor';
import { ProgressBar } from '../components/ProgressBar';
import { BackendSelect } from '../components/BackendSelect';
import { GoalPicker } from '../components/GoalPicker';
import { InputSizes } from '../components/InputSizes';
import { openDims, valueInputs } from '../../core/evaluate/open-dims';
import { parseRecipe } from '../../core/recipe/parse';
import { RecipeImport } from '../components/RecipeImport';
import { exportEditedRecipe } from './recipe-export';

export interface CompressViewProps {
  methods: readonly MethodInfo[];
  /** The recipe in the CLI grammar, shown so the same compression can be run from the command line. */
  describeRecipe(recipe: RecipeInput): string;
}

/** The recipe editor: one card per step (method picker + generated options), and the Compress button. */
export function CompressView({ methods, describeRecipe }: CompressViewProps) {
  const s = useStudio(
    useShallow((st) => ({
      steps: st.recipeSteps,
      setStepMethod: st.setStepMethod,
      setStepOption: st.setStepOption,
      addStep: st.addStep,
      removeStep: st.removeStep,
      setRecipe: st.setRecipe,
      overrides: st.recipeOverrides,
      addOverride: st.addOverride,
      setOverride: st.setOverride,
      removeOverride: st.removeOverride,
      status: st.compressStatus,
      progress: st.compressProgress,
      error: st.compressError,
      notice: st.compressNotice,
      noOps: st.summary?.noOps,
      compress: st.compress,
      cancel: st.cancelCompress,
      backend: st.backend,
      backends: st.backends,
      oneThread: st.oneThread,
      maxThreads: st.maxThreads,
      inputs: st.summary?.inputs,
      inputDims: st.inputDims,
      setInputDim: st.setInputDim,
      inputValues: st.inputValues,
      setInputValue: st.setInputValue,
      setBackend: st.setBackend,
      importRecipe: st.importRecipe,
      modelName: st.model?.name,
    })),
  );
  const busy = s.status === 'running' || s.status === 'queued';
  const dims = useMemo(() => openDims(s.inputs ?? []), [s.inputs]);
  const scalars = useMemo(() => valueInputs(s.inputs ?? []), [s.inputs]);
  const cliRecipe = useMemo(() => {
    try {
      return describeRecipe(draftToRecipe(s.steps, s.overrides));
    } catch {
      return null;
    }
  }, [describeRecipe, s.steps, s.overrides]);
  const buttonLabel = s.steps.length === 1 ? `Compress with ${s.steps[0]!.methodId}` : `Compress with ${s.steps.length} steps`;
  return (
    <section className="panel" aria-label="Compress">
      <header className="panel-header">
        <h2>Compress</h2>
        <span className="muted">Each run makes a new variant; make several and compare them below.</span>
      </header>
      <GoalPicker disabled={busy} onPick={(g) => s.setRecipe(parseRecipe(g.recipe).steps.map((st) => ({ methodId: st.method, options: st.options as Record<string, OptionValue> })))} />
      <div className="recipe-steps">
        {s.steps.map((step, i) => (
          <RecipeStepCard
            key={step.key}
            index={i}
            step={step}
            methods={methods}
            removable={s.steps.length > 1}
            disabled={busy}
            onMethod={(id) => s.setStepMethod(i, id)}
            onOption={(key, value) => s.setStepOption(i, key, value)}
            onRemove={() => s.removeStep(i)}
          />
        ))}
      </div>
      <RecipeImport disabled={busy} onImport={s.importRecipe} onExport={() => exportEditedRecipe(s.modelName, s.steps, s.overrides)} />
      <OverridesEditor overrides={s.overrides} methods={methods} disabled={busy} onAdd={s.addOverride} onChange={s.setOverride} onRemove={s.removeOverride} />
      <div className="actions">
        <button type="button" className="button primary" disabled={busy} onClick={() => void s.compress()}>
          {buttonLabel}
        </button>
        <button type="button" className="button" disabled={busy} onClick={s.addStep}>
          + Add step
        </button>
        <BackendSelect backends={s.backends} value={s.backend} oneThread={s.oneThread} maxThreads={s.maxThreads} disabled={busy} onChange={s.setBackend} />
        {s.status === 'cancelled' && <span className="muted">Cancelled.</span>}
      </div>
      <InputSizes
        names={dims.map((d) => d.key)}
        dims={dims}
        values={s.inputDims}
        scalars={scalars}
        scalarValues={s.inputValues}
        disabled={busy}
        onChange={s.setInputDim}
        onValue={s.setInputValue}
      />
      {cliRecipe && (
        <p className="muted small">
          Same on the command line: <span className="mono">featherweight compress model.onnx --recipe {cliRecipe}</span>
        </p>
      )}
      {s.steps[0] && s.noOps?.[s.steps[0].methodId] && (
        <p className="note" data-testid="no-op-warning">
          {s.noOps[s.steps[0].methodId]}
          {s.steps.length === 1 && ' Compressing would make no new variant.'}
        </p>
      )}
      {s.notice && !busy && (
        <p className="note" data-testid="compress-notice">
          {s.notice}
        </p>
      )}
      {busy && <ProgressBar fraction={s.progress.fraction} label={s.progress.label} onCancel={s.cancel} />}
    </section>
  );
}
