import type { MethodModule } from '../../core/methods/types';
import type { StudioServices } from '../services/types';
import type { ModelSlice } from './model-slice';
import type { CompressSlice } from './compress-slice';
import type { CompareSlice } from './compare-slice';

export type StudioState = ModelSlice & CompressSlice & CompareSlice;

/** What the UI needs to know of a method: its declaration, not its implementation. */
export type MethodInfo = Pick<MethodModule, 'id' | 'label' | 'description' | 'options'>;

/** What the slices are built with: the outside world, and the methods the recipe form offers. */
export interface StoreDeps {
  services: StudioServices;
  methods: readonly MethodInfo[];
}
