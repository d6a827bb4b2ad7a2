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
import { InputSizes, symbolicDims } from '../components/InputSizes';
import { parseRecipe } from '../../core/recipe/parse';

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
      compress: st.compress,
      cancel: st.cancelCompress,
      backend: st.backend,
      backends: st.backends,
      oneThread: st.oneThread,
      maxThreads: st.maxThreads,
      inputs: st.summary?.inputs,
      inputDims: st.inputDims,
      setInputDim: st.setInputDim,
      setBackend: st.setBackend,
    })),
  );
  const busy = s.status === 'running' || s.status === 'queued';
  const dimNames = useMemo(() => symbolicDims(s.inputs ?? []), [s.inputs]);
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
      <InputSizes names={dimNames} values={s.inputDims} disabled={busy} onChange={s.setInputDim} />
      {cliRecipe && (
        <p className="muted small">
          Same on the command line: <span className="mono">featherweight compress model.onnx --recipe {cliRecipe}</span>
        </p>
      )}
      {busy && <ProgressBar fraction={s.progress.fraction} label={s.progress.label} onCancel={s.cancel} />}
    </section>
  );
}
