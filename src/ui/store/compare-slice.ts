import type { StateCreator } from 'zustand';
import type { Backend, BenchResult, FidelityResult } from '../services/types';
import { isAbort, toUiError, type UiError } from './ui-error';
import type { StudioState, StoreDeps } from './studio-state';

export interface Comparison {
  backend: Backend;
  status: 'running' | 'done' | 'error' | 'cancelled';
  phase: string;
  original: BenchResult | null;
  variant: BenchResult | null;
  fidelity: FidelityResult | null;
  error: UiError | null;
}

export interface CompareSlice {
  /** Backend the next comparison runs on. */
  backend: Backend;
  /** What the bench worker reported it can use; ['wasm'] until probed. */
  backends: Backend[];
  comparison: Comparison | null;
  setBackend(backend: Backend): void;
  probeBackends(): Promise<void>;
  runComparison(): Promise<void>;
  cancelComparison(): void;
}

/** How the comparison measures: a few runs each, the same seeded inputs for both models. */
export const COMPARE_SETTINGS = { runs: 10, warmup: 2, seed: 42, samples: 2 } as const;

export const createCompareSlice =
  ({ services }: StoreDeps): StateCreator<StudioState, [], [], CompareSlice> =>
  (set, get) => {
    let probed = false;
    const update = (variantId: string, changes: Partial<Comparison>): boolean => {
      const { comparison, variant } = get();
      if (!comparison || comparison.status !== 'running' || variant?.id !== variantId) return false;
      set({ comparison: { ...comparison, ...changes } });
      return true;
    };
    return {
      backend: 'wasm',
      backends: ['wasm'],
      comparison: null,
      setBackend(backend) {
        if (get().backends.includes(backend)) set({ backend });
      },
      async probeBackends() {
        if (probed) return;
        probed = true;
        try {
          const backends = await services.bench.backends();
          if (backends.length > 0) set({ backends });
        } catch {
          probed = false; // e.g. cancelled mid-probe: try again next time
        }
      },
      async runComparison() {
        const { model, variant, backend } = get();
        if (!model || !variant) return;
        const { runs, warmup, seed, samples } = COMPARE_SETTINGS;
        set({
          comparison: { backend, status: 'running', phase: 'Measuring the original', original: null, variant: null, fidelity: null, error: null },
        });
        try {
          const original = await services.bench.measure(model.id, { backend, runs, warmup });
          if (!update(variant.id, { original, phase: 'Measuring the compressed model' })) return;
          const measured = await services.bench.measure(variant.id, { backend, runs, warmup });
          if (!update(variant.id, { variant: measured, phase: 'Comparing outputs' })) return;
          const fidelity = await services.bench.fidelity(model.id, variant.id, { backend, seed, samples });
          update(variant.id, { fidelity, phase: 'Done', status: 'done' });
        } catch (e) {
          const error = toUiError(e);
          update(variant.id, isAbort(error) ? { status: 'cancelled' } : { status: 'error', error });
        }
      },
      cancelComparison() {
        const { comparison } = get();
        if (comparison?.status !== 'running') return;
        services.bench.cancel();
        set({ comparison: { ...comparison, status: 'cancelled' } });
      },
    };
  };
