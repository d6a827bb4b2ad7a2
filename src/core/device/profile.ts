import type { Backend } from './backend';
import type { ErrorInfo } from '../evaluate/error-info';

/** WebAssembly features the engine accepts (WebAssembly.validate on tiny modules using each). */
export interface WasmFeatures {
  simd: boolean;
  /** Shared memory and atomics; using them also needs cross-origin isolation in a browser. */
  threads: boolean;
  relaxedSimd: boolean;
}

/** A WebGPU adapter as the browser describes it. */
export interface GpuAdapterProfile {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A software or otherwise degraded adapter (e.g. SwiftShader). */
  isFallbackAdapter: boolean;
  /** Sorted feature names, e.g. shader-f16, timestamp-query. */
  features: string[];
  limits: {
    maxBufferSize: number;
    maxStorageBufferBindingSize: number;
    maxComputeWorkgroupSizeX: number;
    maxComputeInvocationsPerWorkgroup: number;
    maxComputeWorkgroupStorageSize: number;
  };
}

/** A measured peak-compute figure on one backend. */
export interface ComputeFigure {
  backend: Backend;
  threads: number;
  /** Best GFLOP/s seen, over the sizes tried. */
  gflops: number;
  /** The n of the n x n x n MatMul that gave it. */
  size: number;
  /** All sizes tried: n, best ms, GFLOP/s. */
  runs: { size: number; ms: number; gflops: number }[];
  method: string;
}

/** A measured memory-bandwidth figure on one backend. */
export interface BandwidthFigure {
  backend: Backend;
  threads: number;
  /** GB/s (1e9 bytes) at the largest tensor tried. */
  gbps: number;
  /** Bytes of the tensor streamed in that measurement. */
  tensorBytes: number;
  runs: { tensorBytes: number; ms: number; gbps: number }[];
  method: string;
}

/** What a backend measured, or why it could not be measured. */
export type Measured<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

/** Per backend and thread count, the two figures a latency bound needs. */
export interface BackendFigures {
  backend: Backend;
  threads: number;
  compute: Measured<ComputeFigure>;
  bandwidth: Measured<BandwidthFigure>;
  /** Milliseconds the measurements took. */
  probeMs: number;
}

/** "Know the target hardware": what the host says about itself plus measured throughput. */
export interface DeviceProfile {
  /** 'browser' (a worker) or 'node' (the CLI). */
  host: 'browser' | 'node';
  logicalCores: number;
  /** GiB: navigator.deviceMemory (rounded and capped by browsers, e.g. at 8) or os.totalmem. */
  memoryGiB: number | undefined;
  /** navigator.userAgent, or Node's version, platform and architecture. */
  userAgent: string;
  crossOriginIsolated: boolean;
  wasm: WasmFeatures;
  /** WASM threads onnxruntime-web can use here. */
  wasmThreads: number;
  /** The WebGPU adapter, undefined when navigator.gpu is missing or grants none (reason in webgpuStatus). */
  webgpu: GpuAdapterProfile | undefined;
  webgpuStatus: string;
  figures: BackendFigures[];
  /** When the profile was taken (ms since the epoch). */
  takenAt: number;
}

/** What the host says about itself, before anything is measured. */
export type HostFacts = Omit<DeviceProfile, 'figures' | 'takenAt'>;
