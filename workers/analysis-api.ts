import { macsAtDims, type MacsAtDims } from '../src/core/analyze/macs-at-dims';
import { shapeSkeleton } from '../src/core/analyze/shape-skeleton';
import type { InputDims } from '../src/core/evaluate/input-dims';
import type { ModelIR } from '../src/core/ir/model';
import { decodeInput, type ModelInput } from './model-input';

/**
 * What the analysis worker does: it holds a weight-less skeleton of each open model (the original
 * and its variants) and recounts their MACs at the input sizes the user types. It runs beside the
 * model worker, so a recount never waits for a compression, and a count (some tens of
 * milliseconds to a few hundred on a large graph) never runs on the page's thread.
 */
export function createAnalysisApi() {
  const skeletons = new Map<string, ModelIR>();
  return {
    /** Decodes a model and keeps its skeleton under `id`; the file's bytes are not kept. */
    hold(id: string, input: ModelInput): void {
      skeletons.set(id, shapeSkeleton(decodeInput(input)));
    },
    /** Drops every skeleton but those of `ids` (removed variants, a model no longer open). */
    keepOnly(ids: readonly string[]): void {
      const keep = new Set(ids);
      for (const id of [...skeletons.keys()]) if (!keep.has(id)) skeletons.delete(id);
    },
    /** The MACs of each model at `dims`; null for an id not held (this worker started after it was sent). */
    macsAt(ids: readonly string[], dims: InputDims): Record<string, MacsAtDims | null> {
      return Object.fromEntries(ids.map((id) => [id, skeletons.has(id) ? macsAtDims(skeletons.get(id)!, dims) : null]));
    },
  };
}

export type AnalysisApi = ReturnType<typeof createAnalysisApi>;
