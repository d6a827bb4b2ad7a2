import type { BackendFigures, DeviceProfile } from '../core/device/profile';
import { formatBytes } from '../core/util/format';
import { formatTable } from './format';

const yesNo = (b: boolean): string => (b ? 'yes' : 'no');
const fixed = (v: number, digits = 1): string => (Number.isFinite(v) ? v.toFixed(digits) : '-');

/** The measured figures as a table, one row per backend and thread count. */
export function formatFigures(figures: readonly BackendFigures[]): string {
  const rows = figures.map((f) => [
    f.backend,
    String(f.threads),
    f.compute.ok ? fixed(f.compute.value.gflops) : 'failed',
    f.compute.ok ? String(f.compute.value.size) : '-',
    f.bandwidth.ok ? fixed(f.bandwidth.value.gbps) : 'failed',
    f.bandwidth.ok ? formatBytes(f.bandwidth.value.tensorBytes) : '-',
    fixed(f.probeMs, 0),
  ]);
  const errors = figures.flatMap((f) => [
    ...(f.compute.ok ? [] : [`${f.backend} (${f.threads} threads) MatMul: ${f.compute.error.message}`]),
    ...(f.bandwidth.ok ? [] : [`${f.backend} (${f.threads} threads) bandwidth: ${f.bandwidth.error.message}`]),
  ]);
  const method = figures.find((f) => f.compute.ok && f.bandwidth.ok);
  return [
    formatTable(['backend', 'threads', 'GFLOP/s', 'MatMul n', 'GB/s', 'stream tensor', 'probe ms'], rows, ['left', 'right', 'right', 'right', 'right', 'right', 'right']),
    ...errors,
    ...(method && method.compute.ok && method.bandwidth.ok ? ['', `GFLOP/s: ${method.compute.value.method}.`, `GB/s: ${method.bandwidth.value.method}.`] : []),
  ].join('\n');
}

/** The whole profile for people. */
export function formatProfile(p: DeviceProfile): string {
  const gpu = p.webgpu;
  const lines: [string, string][] = [
    ['host', p.host],
    ['user agent', p.userAgent],
    ['logical cores', String(p.logicalCores)],
    ['memory', p.memoryGiB === undefined ? 'not reported' : `${fixed(p.memoryGiB)} GiB`],
    ['cross-origin isolated', yesNo(p.crossOriginIsolated)],
    ['WASM', `SIMD ${yesNo(p.wasm.simd)}, threads ${yesNo(p.wasm.threads)}, relaxed SIMD ${yesNo(p.wasm.relaxedSimd)}; onnxruntime threads ${p.wasmThreads}`],
    ['WebGPU', gpu ? `${gpu.vendor || 'unknown vendor'} ${gpu.architecture}${gpu.isFallbackAdapter ? ' (fallback adapter)' : ''}` : `none: ${p.webgpuStatus}`],
  ];
  if (gpu) {
    lines.push(['WebGPU features', gpu.features.join(', ') || 'none']);
    lines.push(['WebGPU limits', Object.entries(gpu.limits).map(([k, v]) => `${k} ${v}`).join(', ')]);
  }
  const width = Math.max(...lines.map(([k]) => k.length));
  return [...lines.map(([k, v]) => `${k.padEnd(width)}  ${v}`), '', 'Measured in onnxruntime-web:', formatFigures(p.figures)].join('\n');
}
