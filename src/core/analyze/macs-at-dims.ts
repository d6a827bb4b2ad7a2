import type { ModelIR } from '../ir/model';
import { graphInputSpecs } from '../evaluate/io-spec';
import { modelInputShapes } from '../evaluate/inputs';
import { guessedDims } from '../evaluate/open-dims';
import type { InputDims } from '../evaluate/input-dims';
import { UnsupportedModelError } from '../util/errors';
import { modelMacs } from './model-macs';

/** MACs at the input sizes a user set, the other open dims at the sizes a measurement would guess. */
export type MacsAtDims =
  | {
      kind: 'counted';
      total: number;
      /** False when some counted op's shape is unknown (or impossible) at these sizes. */
      complete: boolean;
      /** Counted nodes whose inferred shapes are impossible at these sizes (the sizes do not fit the model). */
      impossible: string[];
      /** The input shapes counted at: exactly what a measurement with the same dims runs with. */
      inputShapes: Record<string, number[]>;
      /** Open dims not set, as `key=size` with the size they got. */
      guessed: string[];
    }
  /** The sizes cannot make inputs (a dim that is not a non-negative integer, an input without a shape). */
  | { kind: 'invalid'; message: string };

/** The count a measurement at `dims` would report (modelInputShapes, then modelMacs), without running anything. */
export function macsAtDims(model: ModelIR, dims: InputDims): MacsAtDims {
  const specs = graphInputSpecs(model);
  let inputShapes: Record<string, number[]>;
  try {
    inputShapes = modelInputShapes(model, dims);
  } catch (e) {
    if (e instanceof UnsupportedModelError) return { kind: 'invalid', message: e.message };
    throw e;
  }
  const { total, complete, impossible } = modelMacs(model, inputShapes);
  return { kind: 'counted', total, complete, impossible, inputShapes, guessed: guessedDims(specs, dims) };
}
