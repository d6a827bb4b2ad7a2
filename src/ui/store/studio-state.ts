import type { MethodDeclaration } from '../../core/methods/types';
import type { RecipeInput, StudioServices } from '../services/types';
import type { ModelSlice } from './model-slice';
import type { RecipeSlice } from './recipe-slice';
import type { VariantsSlice } from './variants-slice';
import type { MeasureSlice } from './measure-slice';
import type { SamplesSlice } from './samples-slice';
import type { EvaluationSlice } from './evaluation-slice';
import type { SerialQueue } from './serial-queue';

export type StudioState = ModelSlice & RecipeSlice & VariantsSlice & MeasureSlice & SamplesSlice & EvaluationSlice;

/**
 * What the UI needs to know of a method: its declaration, not its implementation. `backends`,
 * when present, lists where its output runs as intended (no 'webgpu': "CPU only").
 */
export type MethodInfo = Pick<MethodDeclaration, 'id' | 'label' | 'description' | 'options' | 'backends'> & Partial<Pick<MethodDeclaration, 'family'>>;

/** A method's declaration (declarations/index.ts, no method code), as the store and the components see it. */
export function toMethodInfo({ id, label, description, family, options, backends }: MethodDeclaration): MethodInfo {
  return backends ? { id, label, description, family, options, backends } : { id, label, description, family, options };
}

/** What the store is built with: the outside world, the methods the recipe form offers, and how recipes read. */
export interface StoreDeps {
  services: StudioServices;
  methods: readonly MethodInfo[];
  /** One recipe step in the CLI grammar (the core's recipeToString in the app). */
  recipeText(recipe: RecipeInput): string;
}

/** What each slice gets: the deps plus the one queue that keeps the model and bench workers from competing. */
export interface SliceDeps extends StoreDeps {
  jobs: SerialQueue;
}
