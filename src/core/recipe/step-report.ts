import type { LayerChange } from '../methods/changes';
import type { ModelTotals } from './totals';

/**
 * What one recipe step did: the one report type the CLI prints, the model worker returns and the
 * studio shows, whatever the method.
 */
export interface StepReport {
  method: string;
  options: Record<string, unknown>;
  /** For a step added by per-layer overrides, the node patterns it was restricted to. */
  overrideNodes?: string[];
  /** How many weight tensors the step rewrote. */
  tensors: number;
  ms: number;
  warnings: string[];
  /** What changed, layer by layer (see formatChange and summarizeChanges). */
  changes: LayerChange[];
  /** The whole model before and after the step. */
  before: ModelTotals;
  after: ModelTotals;
}
