import type { MethodInfo } from '../store/studio-state';

export interface LayerOverrideSelectProps {
  /** The layer's name as the user reads it (for the label). */
  layer: string;
  /** The node pattern an override would use; null when the layer has no named node to match. */
  pattern: string | null;
  /** 'float', a method id, or undefined when the recipe's steps decide. */
  current: string | undefined;
  methods: readonly MethodInfo[];
  disabled?: boolean;
  /** `method` null: drop the override, the recipe's steps decide again. */
  onChange(pattern: string, method: string | null): void;
}

/** Per layer: follow the recipe, keep it float, or send it to another method (a per-layer override of the recipe). */
export function LayerOverrideSelect({ layer, pattern, current, methods, disabled, onChange }: LayerOverrideSelectProps) {
  return (
    <select
      className="layer-override"
      aria-label={`Override for ${layer}`}
      value={current ?? ''}
      disabled={disabled || pattern === null}
      title={pattern === null ? 'No named node reads this tensor, so no override can match it.' : `Per-layer override of the recipe for ${pattern}`}
      onChange={(e) => pattern !== null && onChange(pattern, e.target.value === '' ? null : e.target.value)}
    >
      <option value="">as the recipe</option>
      <option value="float">keep float</option>
      {methods.map((m) => (
        <option key={m.id} value={m.id}>
          → {m.id}
        </option>
      ))}
    </select>
  );
}
