import type { RecipeInput, StudioServices } from '../services/types';
import type { MethodInfo } from './method-info';
import type { SerialQueue } from './serial-queue';

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
