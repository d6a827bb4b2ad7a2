import type { IOSpec } from '../../core/analyze/io';

/** The symbolic dim names of the inputs, each once, in order. */
export function symbolicDims(inputs: readonly Pick<IOSpec, 'shape'>[]): string[] {
  const names: string[] = [];
  for (const i of inputs) for (const d of i.shape ?? []) if (typeof d === 'string' && d !== '' && !names.includes(d)) names.push(d);
  return names;
}

export interface InputSizesProps {
  names: readonly string[];
  values: Readonly<Record<string, number>>;
  disabled?: boolean;
  onChange(name: string, size: number | null): void;
}

/** Sizes for the model's symbolic input dims (empty = the engine's default), used by every measurement. */
export function InputSizes({ names, values, disabled, onChange }: InputSizesProps) {
  if (names.length === 0) return null;
  return (
    <fieldset className="input-sizes" disabled={disabled}>
      <legend className="muted small">Input sizes (symbolic dims; empty = default)</legend>
      {names.map((name) => (
        <label key={name} className="field inline-field">
          <span className="mono small">{name}</span>
          <input
            type="number"
            min={1}
            step={1}
            aria-label={`Size of ${name}`}
            placeholder="default"
            value={values[name] ?? ''}
            onChange={(e) => {
              const n = e.target.value === '' ? null : Number(e.target.value);
              onChange(name, n);
            }}
          />
        </label>
      ))}
    </fieldset>
  );
}
