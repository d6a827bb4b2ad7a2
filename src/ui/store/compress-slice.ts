import type { StateCreator } from 'zustand';
import type { Progress, VariantInfo } from '../services/types';
import { isAbort, toUiError, type UiError } from './ui-error';
import type { StudioState, StoreDeps } from './studio-state';
import { singleStepRecipe, variantFileName, type OptionValue } from './recipe';

export type JobStatus = 'idle' | 'running' | 'done' | 'error' | 'cancelled';

export interface JobProgress {
  /** 0..1, or null while the phase has no measurable extent. */
  fraction: number | null;
  label: string;
}

export interface CompressSlice {
  methodId: string;
  /** Options the user changed; the rest take the method's declared defaults. */
  options: Record<string, OptionValue>;
  compressStatus: JobStatus;
  compressProgress: JobProgress;
  compressError: UiError | null;
  variant: VariantInfo | null;
  setOption(key: string, value: OptionValue): void;
  compress(): Promise<void>;
  cancelCompress(): void;
  downloadVariant(): void;
  resetVariant(): void;
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

export const createCompressSlice =
  ({ services, methods }: StoreDeps): StateCreator<StudioState, [], [], CompressSlice> =>
  (set, get) => ({
    methodId: methods[0]?.id ?? 'int8-weight',
    options: {},
    compressStatus: 'idle',
    compressProgress: IDLE_PROGRESS,
    compressError: null,
    variant: null,
    setOption(key, value) {
      set({ options: { ...get().options, [key]: value } });
    },
    async compress() {
      const { model, methodId, options, compressStatus } = get();
      if (!model || compressStatus === 'running') return;
      get().resetVariant();
      set({ compressStatus: 'running', compressProgress: { fraction: 0, label: 'Starting' }, compressError: null });
      try {
        const method = methods.find((m) => m.id === methodId);
        if (!method) throw new Error(`Unknown method '${methodId}'; expected one of ${methods.map((m) => m.id).join(', ')}.`);
        const recipe = singleStepRecipe(method.id, options);
        const name = variantFileName(model.name, methodId);
        const variant = await services.models.compress(model.id, recipe, name, (p) => {
          if (get().compressStatus === 'running') set({ compressProgress: progressView(get().compressProgress, p) });
        });
        if (get().model?.id !== model.id || get().compressStatus !== 'running') {
          services.registry.remove(variant.id);
          return;
        }
        set({ variant, compressStatus: 'done', compressProgress: { fraction: 1, label: 'Done' } });
      } catch (e) {
        const error = toUiError(e);
        if (get().compressStatus !== 'running') return;
        set(isAbort(error) ? { compressStatus: 'cancelled' } : { compressStatus: 'error', compressError: error });
        return;
      }
      await get().runComparison();
    },
    cancelCompress() {
      if (get().compressStatus !== 'running') return;
      services.models.cancel();
      set({ compressStatus: 'cancelled', compressProgress: IDLE_PROGRESS });
    },
    downloadVariant() {
      const { variant } = get();
      if (variant) services.download(variant.id, variant.name);
    },
    resetVariant() {
      const { variant } = get();
      if (variant) services.registry.remove(variant.id);
      get().cancelComparison();
      set({ variant: null, compressStatus: 'idle', compressProgress: IDLE_PROGRESS, compressError: null, comparison: null });
    },
  });
