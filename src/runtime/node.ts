import os from 'node:os';
import * as ort from 'onnxruntime-web';
import { createOrtRuntime } from './ort-runtime';
import type { Runtime } from './types';

/** The runtime for Node (CLI, tests, bench): onnxruntime-web's Node build, WASM only. */
export function createNodeRuntime(): Runtime {
  return createOrtRuntime(ort, { webgpu: false, maxThreads: os.availableParallelism() });
}
