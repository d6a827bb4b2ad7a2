import * as Comlink from 'comlink';
import type { ProgressCallback } from '../src/core/util/progress';
import type { ConstantRunner, OpenModel } from '../src/core/methods/types';
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
let runtime: Promise<Runtime> | undefined;
const lazyRuntime = (): Promise<Runtime> => (runtime ??= import('../src/runtime/browser').then((m) => m.createBrowserRuntime()));

function lazyModelOpener(): OpenModel {
  return async (bytes) => {
    const { modelOpener } = await import('../src/runtime/calibrate');
    // Calibration runs on WASM: its numbers must match the CPU kernels the QDQ model is built for.
    return modelOpener(await lazyRuntime(), { backend: 'wasm' })(bytes);
  };
}

const openModel = lazyModelOpener();

/** simplify's runner for constant subgraphs the core does not evaluate (onnxruntime-web loaded only when there is one). */
const runConstants: ConstantRunner = async (bytes, outputNames) => {
  const { constantRunner } = await import('../src/runtime/constant-runner');
  return constantRunner(lazyRuntime)(bytes, outputNames);
};

/** The model worker: decode + analyze, and compress with the result bytes transferred back. */
const exposed = {
  analyze: (input: ModelInput) => modelWorkerApi.analyze(input),
  async compress(input: ModelInput, recipe: RecipeInput, onProgress?: ProgressCallback, samples?: SampleRequest, output?: OutputLayout) {
    const calibration = samples && { request: samples, decodeImage: decodeImageInWorker };
    const result = await modelWorkerApi.compress(input, recipe, onProgress, openModel, calibration, output, runConstants);
    return Comlink.transfer(result, [result.bytes.buffer]);
  },
};

export type ModelWorkerRemote = typeof exposed;

Comlink.expose(exposed);
