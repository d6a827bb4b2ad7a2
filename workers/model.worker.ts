import * as Comlink from 'comlink';
import type { ProgressCallback } from '../src/core/util/progress';
import { modelWorkerApi, type RecipeInput } from './model-api';
import type { ModelInput } from './model-input';

/** The model worker: decode + analyze, and compress with the result bytes transferred back. */
const exposed = {
  analyze: (input: ModelInput) => modelWorkerApi.analyze(input),
  async compress(input: ModelInput, recipe: RecipeInput, onProgress?: ProgressCallback) {
    const result = await modelWorkerApi.compress(input, recipe, onProgress);
    return Comlink.transfer(result, [result.bytes.buffer]);
  },
};

export type ModelWorkerRemote = typeof exposed;

Comlink.expose(exposed);
