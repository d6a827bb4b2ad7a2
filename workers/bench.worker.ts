import * as Comlink from 'comlink';
import { createBrowserRuntime, probeBrowserCapabilities, wasmThreadsFor } from '../src/runtime/browser';
import type { Runtime } from '../src/runtime/types';
import { createBenchWorkerApi } from './bench-api';
import { browserHostFacts } from '../src/runtime/browser-device';
import { createEvalWorkerApi } from './eval-api';
import { decodeImageInWorker } from './image-decoder';

/** The bench worker: latency and fidelity through onnxruntime-web (WASM threads, WebGPU when an adapter exists). */
const capabilities = probeBrowserCapabilities();

// One runtime for the benchmarks and the evaluations, so its calls stay serialised.
let runtime: Promise<Runtime> | undefined;
const host = {
  runtime: () => (runtime ??= capabilities.then((caps) => createBrowserRuntime(caps))),
  defaultThreads: async () => wasmThreadsFor(await capabilities),
};
const exposed = { ...createBenchWorkerApi({ ...host, facts: browserHostFacts }), ...createEvalWorkerApi({ ...host, decodeImage: decodeImageInWorker }) };

/** What the bench worker exposes: the benchmark API and the evaluation API. */
export type BenchWorkerRemote = typeof exposed;

Comlink.expose(exposed);
