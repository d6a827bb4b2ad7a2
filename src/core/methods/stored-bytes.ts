import type { ReadonlyModelIR } from '../ir/model';
import { tensorByteLength } from '../ir/tensor';
import { listWeights } from '../ir/walk';

/** Bytes of every stored tensor in the model (initializers and Constant values, subgraphs included). */
export function storedBytes(model: ReadonlyModelIR): number {
  return listWeights(model).reduce((n, w) => n + tensorByteLength(w.tensor), 0);
}
