import * as Comlink from 'comlink';
import { createBrowserRuntime, probeBrowserCapabilities, wasmThreadsFor } from '../src/runtime/browser';
import { createBenchWorkerApi } from './bench-api';

/** The bench worker: latency and fidelity through onnxruntime-web (WASM threads, WebGPU when an adapter exists). */
const capabilities = probeBrowserCapabilities();

Comlink.expose(
  createBenchWorkerApi({
    runtime: async () => createBrowserRuntime(await capabilities),
    defaultThreads: async () => wasmThreadsFor(await capabilities),
  }),
);
