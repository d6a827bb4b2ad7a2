import type { MethodInfo } from '../store/studio-state';
import { isCpuOnly } from '../store/recipe';
import { CpuOnlyBadge } from './CpuOnlyBadge';

export interface MethodPickerProps {
  id: string;
  methods: readonly MethodInfo[];
  value: string;
  disabled?: boolean;
  onChange(methodId: string): void;
}

/** Every registered method by its label, with the chosen one's description. */
export function MethodPicker({ id, methods, value, disabled, onChange }: MethodPickerProps) {
  const chosen = methods.find((m) => m.id === value);
  return (
    <div className="method-picker">
      <div className="field">
        <label htmlFor={id}>Method</label>
        <select id={id} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
          {methods.map((m) => (
            <option key={m.id} value={m.id}>
              {m.label} ({m.id})
            </option>
          ))}
        </select>
      </div>
      {chosen && (
        <p className="method-description muted small">
          {chosen.family && <span className="method-family">{chosen.family} · </span>}
          {chosen.description} {isCpuOnly(chosen) && <CpuOnlyBadge />}
        </p>
      )}
    </div>
  );
}
