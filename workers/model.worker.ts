import * as Comlink from 'comlink';
import type { ProgressCallback } from '../src/core/util/progress';
import type { OpenModel } from '../src/core/methods/types';
import type { Runtime } from '../src/runtime/types';
import { modelWorkerApi, type RecipeInput } from './model-api';
import type { ModelInput } from './model-input';
import { decodeImageInWorker } from './image-decoder';
import type { SampleRequest } from './sample-input';
import type { OutputLayout } from '../src/core/onnx/external-output';

/**
 * onnxruntime-web is loaded into this worker only when a method runs the model (int8-static
 * calibration), and then once: analysis and the other methods never pay for it.
 */
function lazyModelOpener(): OpenModel {
  let runtime: Promise<Runtime> | undefined;
  return async (bytes) => {
    runtime ??= import('../src/runtime/browser').then((m) => m.createBrowserRuntime());
    const { modelOpener } = await import('../src/runtime/calibrate');
    // Calibration runs on WASM: its numbers must match the CPU kernels the QDQ model is built for.
    return modelOpener(await runtime, { backend: 'wasm' })(bytes);
  };
}

const openModel = lazyModelOpener();

/** The model worker: decode + analyze, and compress with the result bytes transferred back. */
const exposed = {
  analyze: (input: ModelInput) => modelWorkerApi.analyze(input),
  async compress(input: ModelInput, recipe: RecipeInput, onProgress?: ProgressCallback, samples?: SampleRequest, output?: OutputLayout) {
    const calibration = samples && { request: samples, decodeImage: decodeImageInWorker };
    const result = await modelWorkerApi.compress(input, recipe, onProgress, openModel, calibration, output);
    return Comlink.transfer(result, [result.bytes.buffer]);
  },
};

export type ModelWorkerRemote = typeof exposed;

Comlink.expose(exposed);
