import type { OutputMetrics } from './metrics';

/** A candidate's outputs against the reference's on the same seeded inputs. */
export interface FidelityResult {
  outputs: OutputMetrics[];
  inputShapes: Record<string, number[]>;
  samples: number;
}
