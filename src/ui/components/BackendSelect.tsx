import type { Backend } from '../services/types';

const LABELS: Record<Backend, string> = { wasm: 'WASM (CPU)', webgpu: 'WebGPU' };

export function backendLabel(b: Backend): string {
  return b === 'wasm' ? 'WASM' : 'WebGPU';
}

export interface BackendSelectProps {
  backends: readonly Backend[];
  value: Backend;
  disabled?: boolean;
  onChange(backend: Backend): void;
}

/** Where the comparison runs; WebGPU is listed only when the browser granted an adapter. */
export function BackendSelect({ backends, value, disabled, onChange }: BackendSelectProps) {
  return (
    <label className="field inline-field">
      <span>Measure on</span>
      <select aria-label="Measure on" value={value} disabled={disabled || backends.length < 2} onChange={(e) => onChange(e.target.value as Backend)}>
        {backends.map((b) => (
          <option key={b} value={b}>
            {LABELS[b]}
          </option>
        ))}
      </select>
    </label>
  );
}
