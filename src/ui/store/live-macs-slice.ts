import type { StateCreator } from 'zustand';
import type { MacsAtDims } from '../../core/analyze/macs-at-dims';
import type { SliceDeps } from './store-deps';
import type { ModelSlice } from './model-slice';
import type { VariantsSlice } from './variants-slice';
import type { MeasureSlice } from './measure-slice';
import { toUiError, type UiError } from './ui-error';

/** The MACs of the original and each variant at the input sizes set when they were counted. */
export interface LiveMacs {
  /** The sizes counted at (what `inputDims` was). */
  dims: Record<string, number>;
  /** By model id (the original's and each variant's); a model counted before it was removed may linger. */
  byModel: Record<string, MacsAtDims>;
}

export interface LiveMacsSlice {
  /** The latest recount, or null while no size is set (the figures then follow measurements). */
  liveMacs: LiveMacs | null;
  /** True from a size change until its recount lands. */
  liveMacsPending: boolean;
  /** Why the last recount failed, null when it did not. */
  liveMacsError: UiError | null;
  /** Recounts after the sizes stop changing for RECOUNT_DELAY_MS; a recount in flight is overtaken, not awaited. */
  recountMacs(): void;
}

/** Typing "512" is three changes; one recount after the last. */
export const RECOUNT_DELAY_MS = 250;

const sameDims = (a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): boolean => {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
};

/** The live count of one model for the sizes set now; null when there is none (no size set, not counted yet, or counted at other sizes). */
export function selectLiveMacs(s: Pick<LiveMacsSlice, 'liveMacs'> & Pick<MeasureSlice, 'inputDims'>, id: string): MacsAtDims | null {
  const live = s.liveMacs;
  if (!live || !sameDims(live.dims, s.inputDims)) return null;
  return live.byModel[id] ?? null;
}

type LiveMacsReads = LiveMacsSlice & Pick<ModelSlice, 'model'> & Pick<VariantsSlice, 'variants'> & Pick<MeasureSlice, 'inputDims'>;

export const createLiveMacsSlice =
  ({ services }: SliceDeps): StateCreator<LiveMacsReads, [], [], LiveMacsSlice> =>
  (set, get) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let latest = 0;
    // A recount is never cancelled: aborting would stop the analysis worker and drop the skeletons it holds.
    const never = new AbortController().signal;
    const count = async (): Promise<void> => {
      const { model, variants, inputDims } = get();
      const ticket = ++latest;
      if (!model || !services.analysis) return;
      const dims = { ...inputDims };
      try {
        const byModel = await services.analysis.macsAt(never, [model.id, ...variants.map((v) => v.id)], dims);
        if (ticket === latest) set({ liveMacs: { dims, byModel }, liveMacsPending: false, liveMacsError: null });
      } catch (e) {
        if (ticket === latest) set({ liveMacsPending: false, liveMacsError: toUiError(e) });
      }
    };
    return {
      liveMacs: null,
      liveMacsPending: false,
      liveMacsError: null,
      recountMacs() {
        if (timer !== undefined) clearTimeout(timer);
        timer = undefined;
        if (Object.keys(get().inputDims).length === 0 || !services.analysis || !get().model) {
          latest++;
          if (get().liveMacs !== null || get().liveMacsPending || get().liveMacsError !== null) set({ liveMacs: null, liveMacsPending: false, liveMacsError: null });
          return;
        }
        set({ liveMacsPending: true });
        timer = setTimeout(() => {
          timer = undefined;
          void count();
        }, RECOUNT_DELAY_MS);
      },
    };
  };
