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
import type { StudioState } from './studio-state';
import type { StoreDeps, SliceDeps } from './store-deps';

export type StudioStore = StoreApi<StudioState>;

/** A fresh store over the given services (real workers in the app, fakes in tests). */
export function createStudioStore(deps: StoreDeps): StudioStore {
  const sliceDeps: SliceDeps = { ...deps, jobs: createSerialQueue() };
  return createStore<StudioState>()((...a) => ({
    ...createModelSlice(sliceDeps)(...a),
    ...createRecipeSlice(sliceDeps)(...a),
    ...createVariantsSlice(sliceDeps)(...a),
    ...createMeasureSlice(sliceDeps)(...a),
    ...createSamplesSlice(sliceDeps)(...a),
    ...createEvaluationSlice(sliceDeps)(...a),
    ...createWorkflows()(...a),
    ...createWorkspaceSlice(sliceDeps)(...a),
    ...createWorkspaceWorkflows(sliceDeps)(...a),
  }));
}
