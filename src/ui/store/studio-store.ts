import { createStore, type StoreApi } from 'zustand/vanilla';
import { createModelSlice } from './model-slice';
import { createCompressSlice } from './compress-slice';
import { createCompareSlice } from './compare-slice';
import type { StudioState, StoreDeps } from './studio-state';

export type StudioStore = StoreApi<StudioState>;

/** A fresh store over the given services (real workers in the app, fakes in tests). */
export function createStudioStore(deps: StoreDeps): StudioStore {
  return createStore<StudioState>()((...a) => ({
    ...createModelSlice(deps)(...a),
    ...createCompressSlice(deps)(...a),
    ...createCompareSlice(deps)(...a),
  }));
}
