import os from 'node:os';
import { detectWasmFeatures } from '../core/device/wasm-features';
import type { HostFacts } from './device-probe';

/** The Node host's facts: no WebGPU, threads from os.availableParallelism (worker threads stand in for cross-origin isolation). */
export function nodeHostFacts(): HostFacts {
  const wasm = detectWasmFeatures();
  return {
    host: 'node',
    logicalCores: os.availableParallelism(),
    memoryGiB: os.totalmem() / 2 ** 30,
    userAgent: `Node ${process.version} (${process.platform} ${process.arch}; ${os.cpus()[0]?.model.trim() ?? 'unknown CPU'})`,
    crossOriginIsolated: false,
    wasm,
    wasmThreads: wasm.threads ? os.availableParallelism() : 1,
    webgpu: undefined,
    webgpuStatus: 'Node has no WebGPU (onnxruntime-web runs WASM only here)',
  };
}
