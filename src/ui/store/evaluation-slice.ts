import { dimsOf, valuesOf, type MeasureSlice } from './measure-slice';
import type { StateCreator } from 'zustand';
import type { EvaluateResult, InputsUsed, PerLayerResult } from '../services/types';
import { isAbort, toUiError, type UiError } from './ui-error';
import { IDLE_PROGRESS as IDLE, progressView, type JobProgress, type JobStatus } from './job-progress';
import { selectSampleSettings, type SamplesSlice } from './samples-slice';
import type { ModelSlice } from './model-slice';
import type { VariantsSlice } from './variants-slice';
import type { SliceDeps } from './store-deps';

/** One evaluation run: every variant of the time against the original on the same inputs. */
export interface EvaluationRun {
  inputs: InputsUsed;
  /** By variant id. */
  byVariant: Record<string, EvaluateResult['candidates'][number]>;
  /** The sample files' names when it ran, so a changed set marks it as out of date. */
  sampleKey: string;
}

export interface PerLayerRun extends PerLayerResult {
  variantId: string;
  sampleKey: string;
}

export interface EvaluationSlice {
  evalStatus: JobStatus;
  evalProgress: JobProgress;
  evalError: UiError | null;
  evaluation: EvaluationRun | null;
  perLayerVariant: string | null;
  perLayerStatus: JobStatus;
  perLayerProgress: JobProgress;
  perLayerError: UiError | null;
  perLayer: PerLayerRun | null;
  /** Runs the original and every variant on the samples (or synthetic inputs) in the bench worker. */
  evaluateVariants(): Promise<void>;
  choosePerLayerVariant(id: string): void;
  /** The per-layer debugger for the chosen variant (default the newest). */
  runPerLayer(): Promise<void>;
  cancelEvaluation(): void;
  /** Forgets results (new model, variants cleared). */
  clearEvaluation(): void;
  /** Drops one variant's results (it was removed). */
  forgetVariantResults(id: string): void;
}

type SampleState = Pick<SamplesSlice, 'sampleFileNames' | 'samplesStatus' | 'samplesInfo' | 'sampleForm' | 'classMode' | 'classText'>;

/** What the evaluation slice reads besides its own state: the models, how they are measured, and the samples. */
type EvaluationReads = EvaluationSlice & Pick<ModelSlice, 'model'> & Pick<VariantsSlice, 'variants'> & Pick<MeasureSlice, 'backend' | 'inputDims' | 'inputValues'> & SampleState;

/** Identifies the inputs a result was computed on: the sample files and how they were read. */
export function sampleKey(s: SampleState): string {
  const settings = selectSampleSettings(s);
  return settings ? JSON.stringify([s.sampleFileNames, settings]) : 'synthetic';
}

const active = (status: JobStatus): boolean => status === 'running' || status === 'queued';

export const createEvaluationSlice =
  ({ services, jobs }: SliceDeps): StateCreator<EvaluationReads, [], [], EvaluationSlice> =>
  (set, get) => {
    let evalJob = 0;
    let layerJob = 0;
    /** Abort the evaluation and the per-layer run in flight (both run on the bench worker). */
    let evaluating = new AbortController();
    let layering = new AbortController();
    return {
      evalStatus: 'idle',
      evalProgress: IDLE,
      evalError: null,
      evaluation: null,
      perLayerVariant: null,
      perLayerStatus: 'idle',
      perLayerProgress: IDLE,
      perLayerError: null,
      perLayer: null,
      async evaluateVariants() {
        const { model, variants, evalStatus, backend } = get();
        if (!model || variants.length === 0 || active(evalStatus)) return;
        const mine = (evalJob += 1);
        const { signal } = (evaluating = new AbortController());
        const ids = variants.map((v) => v.id);
        set({ evalStatus: jobs.size > 0 ? 'queued' : 'running', evalError: null, evalProgress: { fraction: null, label: jobs.size > 0 ? 'Waiting for the bench worker' : 'Starting' } });
        await jobs.run(async () => {
          if (mine !== evalJob || get().evalStatus === 'cancelled') return;
          const settings = selectSampleSettings(get());
          const key = sampleKey(get());
          set({ evalStatus: 'running' });
          try {
            const result = await services.evaluation.evaluate(signal, model.id, ids, settings, { backend, ...dimsOf(get().inputDims), ...valuesOf(get().inputValues) }, (p) => {
              if (mine === evalJob) set({ evalProgress: progressView(get().evalProgress, p) });
            });
            if (mine !== evalJob || get().model?.id !== model.id) return;
            const byVariant = Object.fromEntries(ids.map((id, i) => [id, result.candidates[i]!]));
            set({ evaluation: { inputs: result.inputs, byVariant, sampleKey: key }, evalStatus: 'done', evalProgress: IDLE });
          } catch (e) {
            if (mine !== evalJob) return;
            const error = toUiError(e);
            set(isAbort(error) ? { evalStatus: 'cancelled', evalProgress: IDLE } : { evalStatus: 'error', evalError: error, evalProgress: IDLE });
          }
        });
      },
      choosePerLayerVariant(id) {
        if (get().variants.some((v) => v.id === id)) set({ perLayerVariant: id });
      },
      async runPerLayer() {
        const { model, variants, perLayerStatus, backend } = get();
        const variantId = get().perLayerVariant ?? variants[variants.length - 1]?.id;
        if (!model || !variantId || !variants.some((v) => v.id === variantId) || active(perLayerStatus)) return;
        const mine = (layerJob += 1);
        const { signal } = (layering = new AbortController());
        set({ perLayerVariant: variantId, perLayerStatus: jobs.size > 0 ? 'queued' : 'running', perLayerError: null, perLayerProgress: { fraction: null, label: 'Waiting for the bench worker' } });
        await jobs.run(async () => {
          if (mine !== layerJob || get().perLayerStatus === 'cancelled') return;
          const settings = selectSampleSettings(get());
          const key = sampleKey(get());
          set({ perLayerStatus: 'running', perLayerProgress: { fraction: null, label: 'Loading both models with every activation exposed' } });
          try {
            const result = await services.evaluation.perLayer(signal, model.id, variantId, settings, { backend, ...dimsOf(get().inputDims), ...valuesOf(get().inputValues) }, (p) => {
              if (mine === layerJob) set({ perLayerProgress: progressView(get().perLayerProgress, p) });
            });
            if (mine !== layerJob || get().model?.id !== model.id) return;
            set({ perLayer: { ...result, variantId, sampleKey: key }, perLayerStatus: 'done', perLayerProgress: IDLE });
          } catch (e) {
            if (mine !== layerJob) return;
            const error = toUiError(e);
            set(isAbort(error) ? { perLayerStatus: 'cancelled', perLayerProgress: IDLE } : { perLayerStatus: 'error', perLayerError: error, perLayerProgress: IDLE });
          }
        });
      },
      cancelEvaluation() {
        const { evalStatus, perLayerStatus } = get();
        if (!active(evalStatus) && !active(perLayerStatus)) return;
        // Only a running job's call holds the worker; a queued one finds itself cancelled when its turn comes.
        if (active(evalStatus)) evaluating.abort();
        if (active(perLayerStatus)) layering.abort();
        set({
          ...(active(evalStatus) && { evalStatus: 'cancelled' as const, evalProgress: IDLE }),
          ...(active(perLayerStatus) && { perLayerStatus: 'cancelled' as const, perLayerProgress: IDLE }),
        });
      },
      clearEvaluation() {
        get().cancelEvaluation();
        evalJob += 1;
        layerJob += 1;
        set({ evaluation: null, perLayer: null, perLayerVariant: null, evalStatus: 'idle', perLayerStatus: 'idle', evalError: null, perLayerError: null });
      },
      forgetVariantResults(id) {
        const { evaluation, perLayer, perLayerVariant } = get();
        const byVariant = evaluation ? Object.fromEntries(Object.entries(evaluation.byVariant).filter(([v]) => v !== id)) : {};
        set({
          ...(evaluation && { evaluation: { ...evaluation, byVariant } }),
          ...(perLayer?.variantId === id && { perLayer: null }),
          ...(perLayerVariant === id && { perLayerVariant: null }),
        });
      },
    };
  };
