import type { Backend } from '../services/types';

export function backendLabel(b: Backend): string {
  return b === 'wasm' ? 'WASM' : 'WebGPU';
}

export interface BackendSelectProps {
  backends: readonly Backend[];
  value: Backend;
  /** WASM on one thread rather than all `maxThreads`. */
  oneThread: boolean;
  maxThreads: number;
  disabled?: boolean;
  onChange(backend: Backend, oneThread: boolean): void;
}

interface Choice {
  value: string;
  label: string;
  backend: Backend;
  oneThread: boolean;
}

/** The choices: WASM on all its threads, WASM on one (when there are several), WebGPU when granted. */
function choices(backends: readonly Backend[], maxThreads: number): Choice[] {
  return backends.flatMap((b): Choice[] => {
    if (b === 'webgpu') return [{ value: 'webgpu', label: 'WebGPU', backend: b, oneThread: false }];
    const all = { value: 'wasm', label: maxThreads > 1 ? `WASM (CPU, ${maxThreads} threads)` : 'WASM (CPU)', backend: b, oneThread: false };
    return maxThreads > 1 ? [all, { value: 'wasm-1', label: 'WASM (CPU, 1 thread)', backend: b, oneThread: true }] : [all];
  });
}

/** Where the comparison runs; WebGPU is listed only when the browser granted an adapter. */
export function BackendSelect({ backends, value, oneThread, maxThreads, disabled, onChange }: BackendSelectProps) {
  const options = choices(backends, maxThreads);
  const selected = value === 'wasm' && oneThread && maxThreads > 1 ? 'wasm-1' : value;
  return (
    <label className="field inline-field">
      <span>Measure on</span>
      <select
        aria-label="Measure on"
        value={selected}
        disabled={disabled || options.length < 2}
        onChange={(e) => {
          const c = options.find((o) => o.value === e.target.value);
          if (c) onChange(c.backend, c.oneThread);
        }}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}
