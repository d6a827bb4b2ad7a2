import type { ImageOptions } from './image-input';

/** How labels become output indices: the core's rule, or the user's class list (index = position). */
export type ClassMapping = { mode: 'auto' } | { mode: 'list'; names: readonly string[] };

/** How sample files become model inputs: all plain data, so the same settings go to every worker. */
export interface SampleSettings {
  image: ImageOptions;
  /** Rate WAV samples are resampled to. */
  sampleRate?: number;
  classes: ClassMapping;
}
