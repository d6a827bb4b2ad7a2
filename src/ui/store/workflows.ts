import type { StateCreator } from 'zustand';
import type { ModelFiles } from '../services/types';
import type { LoadedModel, ModelSlice } from './model-slice';
import type { RecipeSlice } from './recipe-slice';
import type { VariantsSlice } from './variants-slice';
import type { MeasureSlice } from './measure-slice';
import type { SamplesSlice } from './samples-slice';
import type { EvaluationSlice } from './evaluation-slice';

/** Every slice's state and actions; each slice reads some of the others' state but calls none of their actions. */
export type SlicesState = ModelSlice & RecipeSlice & VariantsSlice & MeasureSlice & SamplesSlice & EvaluationSlice;

/**
 * The studio's sequences that span slices. They are the only place where one slice's action is
 * followed by another's, so the slices stay independent of each other.
 */
export interface Workflows {
  /**
   * Opens dropped files as the model: once it has been read, the previous model and everything made
   * from it are forgotten. A file that cannot be read shows its error and changes nothing else.
   */
  openFiles(files: readonly File[]): Promise<void>;
  /** Opens the bundled sample model, likewise. */
  openSample(): Promise<void>;
  /** Compresses the model with the edited recipe into a new variant, then measures it. */
  compress(): Promise<void>;
  /** Removes one variant: its bytes, its record, its measurement and its evaluation results. */
  removeVariant(id: string): void;
  /** Forgets every variant and stops their jobs, with their measurements and evaluation (a new model was opened). */
  clearVariants(): void;
}

export const createWorkflows = (): StateCreator<SlicesState & Workflows, [], [], Workflows> => (_set, get) => {
  const clearVariants = (): void => {
    const s = get();
    s.forgetVariants();
    s.resetMeasurements();
    s.clearEvaluation();
  };
  const open = async (files: ModelFiles, source: LoadedModel['source']): Promise<void> => {
    // The open workspace stays until the new model has been read: a bad file leaves it as it was.
    const prepared = await get().prepareModel(files, source);
    if (!prepared) return;
    clearVariants();
    get().commitModel(prepared);
    void get().probeBackends();
    // Samples given for the previous model are read again for this one (its input may differ).
    if (get().sampleFileNames.length > 0) void get().readSamples();
  };
  return {
    async openFiles(files) {
      const picked = get().pickModelFiles(files);
      if (picked) await open(picked, 'file');
    },
    async openSample() {
      const files = await get().fetchSample();
      if (files) await open(files, 'sample');
    },
    async compress() {
      const variant = await get().makeVariant();
      if (variant) await get().measureVariant(variant.id);
    },
    removeVariant(id) {
      if (!get().variants.some((v) => v.id === id)) return;
      get().dropVariant(id);
      get().forgetMeasurement(id);
      get().forgetVariantResults(id);
    },
    clearVariants,
  };
};
