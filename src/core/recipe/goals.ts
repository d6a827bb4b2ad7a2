import { RecipeError } from '../util/errors';
import { parseRecipe } from './parse';
import type { Recipe } from './types';

/**
 * Named starting points ("pick a goal"), each a plain recipe the user can then edit. The choice
 * behind each comes from measurements on this project's models, noted in `why`.
 */
export interface Goal {
  id: string;
  label: string;
  /** The recipe in the CLI grammar. */
  recipe: string;
  why: string;
}

export const GOALS: readonly Goal[] = [
  {
    id: 'fastest-cpu',
    label: 'Fastest on this CPU',
    recipe: 'int8-dynamic',
    why: 'The fastest int8 form onnxruntime-web\'s WASM kernels ran here: ConvInteger/MatMulInteger with dynamic activations, 1.45x fp32 on the PaddleOCR detector and 1.62x on the recogniser (one thread, npm run bench); int8-static ran at 1.21x / 0.97x and int8-weight at 1.00x / 0.97x. CPU only: WebGPU falls back.',
  },
  {
    id: 'smallest',
    label: 'Smallest',
    recipe: 'int4+int8-weight',
    why: 'int4 blocks of 32 for MatMul/Gemm weights, then int8 for the Conv weights left: PaddleOCR rec weights 10.3 MiB -> 2.34 MiB (int8 alone 2.71 MiB), output cosine 0.991 on rendered text.',
  },
  {
    id: 'small-everywhere',
    label: 'Small, runs everywhere',
    recipe: 'int8-weight',
    why: 'About 4x smaller weights with activations in float: output cosine 0.997-0.9999 on the PaddleOCR models, the same graph on WASM and WebGPU. Turn on biasCorrection with your samples for more fidelity.',
  },
  {
    id: 'half-exact',
    label: 'Half the download, same results',
    recipe: 'fp16-weight',
    why: 'Weights stored as float16 and cast back at load: half the bytes, compute unchanged (output cosine 0.99999+).',
  },
  {
    id: 'webgpu-fp16',
    label: 'WebGPU with float16',
    recipe: 'fp16',
    why: 'Weights and compute in float16, float32 at the inputs and outputs and around fragile ops: for WebGPU adapters with shader-f16; output cosine 0.99999 on the PaddleOCR models.',
  },
];

export function findGoal(id: string): Goal {
  const goal = GOALS.find((g) => g.id === id);
  if (!goal) throw new RecipeError(`Unknown goal '${id}'; expected one of ${GOALS.map((g) => g.id).join(', ')}.`);
  return goal;
}

/** The recipe a goal starts from. */
export function goalRecipe(id: string): Recipe {
  return parseRecipe(findGoal(id).recipe);
}
