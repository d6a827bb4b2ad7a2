import * as Comlink from 'comlink';
import { createBrowserRuntime, probeBrowserCapabilities, wasmThreadsFor } from '../src/runtime/browser';
import type { Runtime } from '../src/runtime/types';
import { createBenchWorkerApi } from './bench-api';
import { browserHostFacts } from '../src/runtime/browser-device';
import { createEvalWorkerApi } from './eval-api';
import { decodeImageInWorker } from './image-decoder';

/** The bench worker: latency and fidelity through onnxruntime-web (WASM threads, WebGPU when an adapter exists). */
const capabilities = probeBrowserCapabilities();
/** A second bench worker named '…-1-thread' times on one WASM thread (onnxruntime fixes its thread count when it starts). */
const threadCap = /-(\d+)-thread$/.exec((globalThis as { name?: string }).name ?? '')?.[1];
const threadsFor = (caps: Awaited<typeof capabilities>): number => wasmThreadsFor(caps, threadCap ? Number(threadCap) : undefined);

// One runtime for the benchmarks and the evaluations, so its calls stay serialised.
let runtime: Promise<Runtime> | undefined;
const host = {
  runtime: () => (runtime ??= capabilities.then((caps) => createBrowserRuntime(caps, threadsFor(caps)))),
  defaultThreads: async () => threadsFor(await capabilities),
};
const exposed = { ...createBenchWorkerApi({ ...host, facts: browserHostFacts }), ...createEvalWorkerApi({ ...host, decodeImage: decodeImageInWorker }) };

/** What the bench worker exposes: the benchmark API and the evaluation API. */
export type BenchWorkerRemote = typeof exposed;

Comlink.expose(exposed);
