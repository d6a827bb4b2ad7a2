import type { GpuAdapterProfile } from '../core/device/profile';
import { detectWasmFeatures } from '../core/device/wasm-features';
import type { HostFacts } from './device-probe';
import { wasmThreadsFor } from './browser';

/** The parts of WebGPU's adapter this probe reads (typed here: the DOM lib may lack them). */
interface AdapterLike {
  features: Iterable<string>;
  limits: Record<string, number>;
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
  requestAdapterInfo?: () => Promise<{ vendor?: string; architecture?: string; device?: string; description?: string }>;
}
interface GpuLike {
  requestAdapter(): Promise<AdapterLike | null>;
}

/** The adapter the browser grants by default, described; or why there is none. */
export async function probeWebGpuAdapter(): Promise<{ adapter: GpuAdapterProfile | undefined; status: string }> {
  const gpu = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu;
  if (!gpu) return { adapter: undefined, status: 'navigator.gpu is missing: this browser (or context) has no WebGPU' };
  let adapter: AdapterLike | null;
  try {
    adapter = await gpu.requestAdapter();
  } catch (e) {
    return { adapter: undefined, status: `requestAdapter failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (!adapter) return { adapter: undefined, status: 'navigator.gpu exists but granted no adapter (GPU blocklisted or disabled)' };
  const info = adapter.info ?? (await adapter.requestAdapterInfo?.()) ?? {};
  const limit = (name: string): number => Number(adapter.limits[name] ?? 0);
  return {
    adapter: {
      vendor: info.vendor ?? '',
      architecture: info.architecture ?? '',
      device: info.device ?? '',
      description: info.description ?? '',
      isFallbackAdapter: Boolean(adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter),
      features: [...adapter.features].sort(),
      limits: {
        maxBufferSize: limit('maxBufferSize'),
        maxStorageBufferBindingSize: limit('maxStorageBufferBindingSize'),
        maxComputeWorkgroupSizeX: limit('maxComputeWorkgroupSizeX'),
        maxComputeInvocationsPerWorkgroup: limit('maxComputeInvocationsPerWorkgroup'),
        maxComputeWorkgroupStorageSize: limit('maxComputeWorkgroupStorageSize'),
      },
    },
    status: 'adapter granted',
  };
}

/** The current browser scope's facts (window or worker). */
export async function browserHostFacts(): Promise<HostFacts> {
  const nav = globalThis.navigator as (Navigator & { deviceMemory?: number }) | undefined;
  const crossOriginIsolated = globalThis.crossOriginIsolated === true;
  const logicalCores = nav?.hardwareConcurrency ?? 1;
  const wasm = detectWasmFeatures();
  const { adapter, status } = await probeWebGpuAdapter();
  return {
    host: 'browser',
    logicalCores,
    memoryGiB: nav?.deviceMemory,
    userAgent: nav?.userAgent ?? 'unknown',
    crossOriginIsolated,
    wasm,
    wasmThreads: wasm.threads ? wasmThreadsFor({ crossOriginIsolated, hardwareConcurrency: logicalCores, webgpu: adapter !== undefined }) : 1,
    webgpu: adapter,
    webgpuStatus: status,
  };
}
