import { createStore, type StoreApi } from 'zustand/vanilla';
import { createModelSlice } from './model-slice';
import { createRecipeSlice } from './recipe-slice';
import { createVariantsSlice } from './variants-slice';
import { createMeasureSlice } from './measure-slice';
import { createSamplesSlice } from './samples-slice';
import { createEvaluationSlice } from './evaluation-slice';
import { createWorkflows } from './workflows';
import { createWorkspaceSlice } from './workspace-slice';
import { createWorkspaceWorkflows } from './workspace-workflows';
import { createSerialQueue } from './serial-queue';
import { createLiveMacsSlice } from './live-macs-slice';
import type { StudioState } from './studio-state';
import type { StoreDeps, SliceDeps } from './store-deps';

export type StudioStore = StoreApi<StudioState>;

/** A fresh store over the given services (real workers in the app, fakes in tests). */
export function createStudioStore(deps: StoreDeps): StudioStore {
  const sliceDeps: SliceDeps = { ...deps, jobs: createSerialQueue() };
  const store = createStore<StudioState>()((...a) => ({
    ...createModelSlice(sliceDeps)(...a),
    ...createRecipeSlice(sliceDeps)(...a),
    ...createVariantsSlice(sliceDeps)(...a),
    ...createMeasureSlice(sliceDeps)(...a),
    ...createSamplesSlice(sliceDeps)(...a),
    ...createEvaluationSlice(sliceDeps)(...a),
    ...createWorkflows()(...a),
    ...createWorkspaceSlice(sliceDeps)(...a),
    ...createWorkspaceWorkflows(sliceDeps)(...a),
    ...createLiveMacsSlice(sliceDeps)(...a),
  }));
  // MACs follow the sizes typed: a recount whenever they, the model or its variants change.
  store.subscribe((s, prev) => {
    if (s.inputDims !== prev.inputDims || s.model !== prev.model || s.variants !== prev.variants) s.recountMacs();
  });
  return store;
}
