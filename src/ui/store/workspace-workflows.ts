import type { StateCreator } from 'zustand';
import type { SlicesState, Workflows } from './workflows';
import type { WorkspaceSlice } from './workspace-slice';
import type { InterruptedJob } from './workspace-manifest';
import { toUiError } from './ui-error';
import type { SliceDeps } from './store-deps';

/** The workspace's sequences that span slices: running an interrupted job again, clearing what is stored. */
export interface WorkspaceWorkflows {
  /** Runs an interrupted job again (a compression with the recipe it had) and drops it from the list. */
  rerunInterrupted(kind: InterruptedJob['kind']): Promise<void>;
  /** Deletes every stored workspace and closes the open one (variants, results, model). */
  clearEverything(): Promise<void>;
}

type Reads = SlicesState & Workflows & WorkspaceSlice;

export const createWorkspaceWorkflows =
  ({ services }: SliceDeps): StateCreator<Reads & WorkspaceWorkflows, [], [], WorkspaceWorkflows> =>
  (set, get) => ({
    async rerunInterrupted(kind) {
      const job = get().interrupted.find((j) => j.kind === kind);
      if (!job || !get().model) return;
      get().dismissInterrupted(kind);
      switch (kind) {
        case 'compress':
          if (job.recipe && job.recipe.steps.length > 0) {
            const steps = job.recipe.steps;
            get().setRecipe(steps);
            set({ recipeOverrides: job.recipe.overrides.map((o, i) => ({ key: `rerun-override-${i}-${Date.now()}`, nodes: o.nodes, method: o.method })) });
          }
          return get().compress();
        case 'measure':
          return get().remeasureAll();
        case 'evaluate':
          return get().evaluateVariants();
        case 'per-layer':
          return get().runPerLayer();
      }
    },
    async clearEverything() {
      get().clearVariants();
      get().closeModel();
      set({ interrupted: [], storageError: null });
      if (!services.workspace) return;
      try {
        await services.workspace.clear();
      } catch (e) {
        set({ storageError: toUiError(e) });
      }
      await get().refreshStorageUsage();
    },
  });
