import type { StateCreator } from 'zustand';
import type { CalibrationUsed, RecipeInput, StepReport } from '../services/types';
import { RecipeError } from '../../core/util/errors';
import { isAbort, toUiError, type UiError } from './ui-error';
import type { SliceDeps } from './store-deps';
import { isCpuOnly, recipeLabel, uniqueLabel } from './recipe';
import { uniqueVariantFileName } from './variant-file-name';
import { selectRecipe, stepMethods, type RecipeSlice } from './recipe-slice';
import { selectSampleSettings, type SamplesSlice } from './samples-slice';
import type { ModelSlice } from './model-slice';
import { IDLE_PROGRESS, progressView, type JobProgress, type JobStatus } from './job-progress';

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
  /** Past 2 GB its weights are in this external data file, downloaded beside `fileName`. */
  externalDataFile?: string;
}

export interface VariantsSlice {
  variants: Variant[];
  compressStatus: JobStatus;
  compressProgress: JobProgress;
  compressError: UiError | null;
  /**
   * Why the last compression added no variant although it worked (its result was identical to
   * the original, so there was nothing to measure or download); null otherwise.
   */
  compressNotice: string | null;
  /**
   * Compresses the model with the edited recipe into a new variant and adds it; the variant, or
   * null when it failed, was cancelled or the model changed meanwhile. (The studio's compress
   * workflow then measures it.)
   */
  makeVariant(): Promise<Variant | null>;
  cancelCompress(): void;
  /** Drops one variant's record and bytes (the workflow drops its measurements and results too). */
  dropVariant(id: string): void;
  downloadVariant(id: string): void;
  /** Stops the compression and forgets every variant, bytes included. */
  forgetVariants(): void;
}

export const selectVariant = (s: Pick<VariantsSlice, 'variants'>, id: string): Variant | undefined => s.variants.find((v) => v.id === id);

/** What the variants slice reads besides its own state: the model, the edited recipe and the samples to calibrate on. */
type VariantsReads = VariantsSlice &
  Pick<ModelSlice, 'model'> &
  Pick<RecipeSlice, 'recipeSteps' | 'recipeOverrides'> &
  Pick<SamplesSlice, 'samplesStatus' | 'samplesInfo' | 'sampleForm' | 'classMode' | 'classText'>;

export const createVariantsSlice =
  ({ services, methods, recipeText, jobs }: SliceDeps): StateCreator<VariantsReads, [], [], VariantsSlice> =>
  (set, get) => {
    /** Identifies the compression in flight; a cancelled or superseded one finds it changed. */
    let job = 0;
    /** Aborts the compression in flight. */
    let compressing = new AbortController();
    const current = (mine: number): boolean => job === mine && (get().compressStatus === 'running' || get().compressStatus === 'queued');
    return {
      variants: [],
      compressStatus: 'idle',
      compressProgress: IDLE_PROGRESS,
      compressError: null,
      compressNotice: null,
      async makeVariant() {
        const { model, compressStatus, recipeSteps } = get();
        if (!model || compressStatus === 'running' || compressStatus === 'queued') return null;
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
          return null;
        }
        const mine = (job += 1);
        const { signal } = (compressing = new AbortController());
        const fail = (e: unknown) => {
          const error = toUiError(e);
          if (current(mine)) set(isAbort(error) ? { compressStatus: 'cancelled', compressProgress: IDLE_PROGRESS } : { compressStatus: 'error', compressError: error });
        };
        const waiting = jobs.size > 0;
        set({
          compressStatus: waiting ? 'queued' : 'running',
          compressProgress: { fraction: waiting ? null : 0, label: waiting ? 'Waiting for the measurement to finish' : 'Starting' },
          compressError: null,
          compressNotice: null,
        });
        const fileName = uniqueVariantFileName(
          model.name,
          text.split('+'),
          methods.map((m) => m.id),
          get().variants.map((v) => v.fileName),
        );
        let made;
        try {
          made = await jobs.run(async () => {
            if (!current(mine)) return null;
            set({ compressStatus: 'running', compressProgress: { fraction: 0, label: 'Starting' } });
            const samples = selectSampleSettings(get());
            return services.models.compress(
              signal,
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
          return null;
        }
        if (!made) return null;
        if (get().model?.id !== model.id || !current(mine)) {
          services.registry.remove(made.id);
          return null;
        }
        if (made.unchanged) {
          services.registry.remove(made.id);
          set({
            compressStatus: 'done',
            compressProgress: { fraction: 1, label: 'Done' },
            compressNotice: `${recipeLabel(text.split('+'))} changed nothing in this model: the result is the original, so it was not added as a variant, measured or offered for download.`,
          });
          return null;
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
          ...(made.externalDataFile && { externalDataFile: made.externalDataFile }),
        };
        set({ variants: [...get().variants, variant], compressStatus: 'done', compressProgress: { fraction: 1, label: 'Done' } });
        return variant;
      },
      cancelCompress() {
        const { compressStatus } = get();
        if (compressStatus !== 'running' && compressStatus !== 'queued') return;
        // A queued compression never reaches the worker: it finds itself cancelled when its turn comes.
        compressing.abort();
        set({ compressStatus: 'cancelled', compressProgress: IDLE_PROGRESS });
      },
      dropVariant(id) {
        if (!selectVariant(get(), id)) return;
        services.registry.remove(id);
        set({ variants: get().variants.filter((v) => v.id !== id) });
      },
      downloadVariant(id) {
        const variant = selectVariant(get(), id);
        if (variant) services.download(variant.id, variant.fileName);
      },
      forgetVariants() {
        get().cancelCompress();
        for (const v of get().variants) services.registry.remove(v.id);
        set({ variants: [], compressStatus: 'idle', compressProgress: IDLE_PROGRESS, compressError: null, compressNotice: null });
      },
    };
  };
