import type { MethodInfo } from '../store/studio-state';
import type { DraftOverride } from '../store/recipe';

export interface OverridesEditorProps {
  overrides: readonly DraftOverride[];
  methods: readonly MethodInfo[];
  disabled?: boolean;
  onAdd(): void;
  onChange(index: number, change: Partial<Pick<DraftOverride, 'nodes' | 'method'>>): void;
  onRemove(index: number): void;
}

/**
 * Per-layer overrides of the recipe: a node pattern (exact name, glob or /regex/) and what those
 * nodes get instead, float or another method with its default options. First match wins.
 */
export function OverridesEditor({ overrides, methods, disabled, onAdd, onChange, onRemove }: OverridesEditorProps) {
  return (
    <fieldset className="recipe-step recipe-overrides" data-testid="recipe-overrides" disabled={disabled}>
      <legend title="The recipe's steps leave matched nodes alone; 'float' keeps them float, a method runs on them alone after the steps. The first matching row wins.">
        Per-layer overrides
      </legend>
      {overrides.map((o, i) => (
        <div className="actions override-row" key={o.key}>
          <div className="field">
            <input
              id={`${o.key}-nodes`}
              type="text"
              aria-label={`Nodes of override ${i + 1}`}
              value={o.nodes}
              placeholder="node name, conv_* or /regex/"
              onChange={(e) => onChange(i, { nodes: e.target.value })}
            />
          </div>
          <div className="field">
            <select id={`${o.key}-method`} aria-label={`Method of override ${i + 1}`} value={o.method} onChange={(e) => onChange(i, { method: e.target.value })}>
              <option value="float">keep float</option>
              {methods.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.id}
                </option>
              ))}
            </select>
          </div>
          {o.options && Object.keys(o.options).length > 0 && (
            <span className="muted small mono" data-testid="override-options" title="Options from an imported recipe; picking another method drops them">
              {Object.entries(o.options)
                .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('|') : String(v)}`)
                .join(', ')}
            </span>
          )}
          <button type="button" className="button ghost" onClick={() => onRemove(i)} aria-label={`Remove override ${i + 1}`}>
            ✕
          </button>
        </div>
      ))}
      <button type="button" className="button" onClick={onAdd}>
        + Add override
      </button>
    </fieldset>
  );
}
