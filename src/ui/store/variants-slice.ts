import type { StateCreator } from 'zustand';
import type { CalibrationUsed, Progress, RecipeInput, StepReport } from '../services/types';
import { RecipeError } from '../../core/util/errors';
import { isAbort, toUiError, type UiError } from './ui-error';
import type { SliceDeps, StudioState } from './studio-state';
import { isCpuOnly, recipeLabel, uniqueLabel, variantFileName } from './recipe';
import { selectRecipe, stepMethods } from './recipe-slice';
import { selectSampleSettings } from './samples-slice';

export type JobStatus = 'idle' | 'queued' | 'running' | 'done' | 'error' | 'cancelled';

export interface JobProgress {
  /** 0..1, or null while the phase has no measurable extent. */
  fraction: number | null;
  label: string;
}

/** One compressed model. Its bytes stay in the registry under `id`; this is what the views show. */
export interface Variant {
  id: string;
  /** Readable recipe, e.g. `int8-weight` or `int4 (block 32)`; unique among the variants. */
  label: string;
  /** The recipe in the CLI grammar, e.g. `int4:block=32`. */
  recipeText: string;
  recipe: RecipeInput;
  fileName: string;
  sizeBytes: number;
  steps: StepReport[];
  /** Decode + recipe + encode, wall time in the worker. */
  ms: number;
  /** Some step's method declares it does not run on WebGPU. */
  cpuOnly: boolean;
  /** The inputs a calibrating step (int8-static) ran on: the user's samples or seeded synthetic ones. */
  calibration?: CalibrationUsed;
}

export interface VariantsSlice {
  variants: Variant[];
  compressStatus: JobStatus;
  compressProgress: JobProgress;
  compressError: UiError | null;
  /** Compresses the model with the edited recipe into a new variant, then measures it. */
  compress(): Promise<void>;
  cancelCompress(): void;
  removeVariant(id: string): void;
  downloadVariant(id: string): void;
  /** Forgets every variant and stops their jobs (a new model was opened). */
  clearVariants(): void;
}

const IDLE_PROGRESS: JobProgress = { fraction: null, label: '' };

/** Folds a core progress event into what the progress bar shows. */
export function progressView(previous: JobProgress, p: Progress): JobProgress {
  switch (p.kind) {
    case 'phase':
      return { fraction: previous.fraction, label: p.phase };
    case 'step':
      return { fraction: p.total > 0 ? p.index / p.total : null, label: p.item ? `${p.phase}: ${p.item}` : p.phase };
    case 'log':
      return previous;
  }
}

export const selectVariant = (s: Pick<StudioState, 'variants'>, id: string): Variant | undefined => s.variants.find((v) => v.id === id);

export const createVariantsSlice =
  ({ services, methods, recipeText, jobs }: SliceDeps): StateCreator<StudioState, [], [], VariantsSlice> =>
  (set, get) => {
    /** Identifies the compression in flight; a cancelled or superseded one finds it changed. */
    let job = 0;
    const current = (mine: number): boolean => job === mine && (get().compressStatus === 'running' || get().compressStatus === 'queued');
    return {
      variants: [],
      compressStatus: 'idle',
      compressProgress: IDLE_PROGRESS,
      compressError: null,
      async compress() {
        const { model, compressStatus, recipeSteps } = get();
        if (!model || compressStatus === 'running' || compressStatus === 'queued') return;
        const recipe = selectRecipe(get());
        const used = stepMethods(recipeSteps, methods);
        let text: string;
        try {
          if (used.length !== recipeSteps.length) {
            const unknown = recipeSteps.filter((s) => !methods.some((m) => m.id === s.methodId)).map((s) => `'${s.methodId}'`);
            throw new RecipeError(`Unknown method ${unknown.join(', ')}; expected one of ${methods.map((m) => m.id).join(', ')}.`);
          }
          text = recipe.steps.map((s) => recipeText({ steps: [s] })).join('+');
        } catch (e) {
          set({ compressStatus: 'error', compressError: toUiError(e), compressProgress: IDLE_PROGRESS });
          return;
        }
        const mine = (job += 1);
        const fail = (e: unknown) => {
          const error = toUiError(e);
          if (current(mine)) set(isAbort(error) ? { compressStatus: 'cancelled', compressProgress: IDLE_PROGRESS } : { compressStatus: 'error', compressError: error });
        };
        const waiting = jobs.size > 0;
        set({
          compressStatus: waiting ? 'queued' : 'running',
          compressProgress: { fraction: waiting ? null : 0, label: waiting ? 'Waiting for the measurement to finish' : 'Starting' },
          compressError: null,
        });
        const fileName = variantFileName(model.name, used.map((m) => m.id));
        let made;
        try {
          made = await jobs.run(async () => {
            if (!current(mine)) return null;
            set({ compressStatus: 'running', compressProgress: { fraction: 0, label: 'Starting' } });
            const samples = selectSampleSettings(get());
            return services.models.compress(
              model.id,
              recipe,
              fileName,
              (p) => {
                if (current(mine)) set({ compressProgress: progressView(get().compressProgress, p) });
              },
              ...(samples ? [samples] : []),
            );
          });
        } catch (e) {
          fail(e);
          return;
        }
        if (!made) return;
        if (get().model?.id !== model.id || !current(mine)) {
          services.registry.remove(made.id);
          return;
        }
        const variant: Variant = {
          id: made.id,
          label: uniqueLabel(recipeLabel(text.split('+')), get().variants.map((v) => v.label)),
          recipeText: text,
          recipe,
          fileName,
          sizeBytes: made.sizeBytes,
          steps: made.steps,
          ms: made.ms,
          cpuOnly: used.some(isCpuOnly),
          ...(made.calibration && { calibration: made.calibration }),
        };
        set({ variants: [...get().variants, variant], compressStatus: 'done', compressProgress: { fraction: 1, label: 'Done' } });
        await get().measureVariant(variant.id);
      },
      cancelCompress() {
        const { compressStatus } = get();
        if (compressStatus !== 'running' && compressStatus !== 'queued') return;
        if (compressStatus === 'running') services.models.cancel();
        set({ compressStatus: 'cancelled', compressProgress: IDLE_PROGRESS });
      },
      removeVariant(id) {
        if (!selectVariant(get(), id)) return;
        services.registry.remove(id);
        const { [id]: _dropped, ...measurements } = get().measurements;
        const { evaluation, perLayer, perLayerVariant } = get();
        const byVariant = evaluation ? Object.fromEntries(Object.entries(evaluation.byVariant).filter(([v]) => v !== id)) : {};
        set({
          variants: get().variants.filter((v) => v.id !== id),
          measurements,
          ...(evaluation && { evaluation: { ...evaluation, byVariant } }),
          ...(perLayer?.variantId === id && { perLayer: null }),
          ...(perLayerVariant === id && { perLayerVariant: null }),
        });
      },
      downloadVariant(id) {
        const variant = selectVariant(get(), id);
        if (variant) services.download(variant.id, variant.fileName);
      },
      clearVariants() {
        get().cancelCompress();
        get().cancelMeasurements();
        get().clearEvaluation();
        for (const v of get().variants) services.registry.remove(v.id);
        set({ variants: [], measurements: {}, loadChecks: {}, inputDims: {}, compressStatus: 'idle', compressProgress: IDLE_PROGRESS, compressError: null });
      },
    };
  };
