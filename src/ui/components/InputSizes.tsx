import type { IOSpec } from '../../core/analyze/io';
import type { OpenDim, ValueInput } from '../../core/evaluate/open-dims';

/** The symbolic dim names of the inputs, each once, in order. */
export function symbolicDims(inputs: readonly Pick<IOSpec, 'shape'>[]): string[] {
  const names: string[] = [];
  for (const i of inputs) for (const d of i.shape ?? []) if (typeof d === 'string' && d !== '' && !names.includes(d)) names.push(d);
  return names;
}

export interface InputSizesProps {
  /** The keys of the open dims: symbolic names, or `input[axis]` for dims without a name. */
  names: readonly string[];
  values: Readonly<Record<string, number>>;
  /** By key, the dim's details (its uses and the size it gets when left empty). */
  dims?: readonly OpenDim[];
  /** Scalar inputs whose value can be set (a sample rate). */
  scalars?: readonly ValueInput[];
  scalarValues?: Readonly<Record<string, number>>;
  disabled?: boolean;
  onChange(name: string, size: number | null): void;
  onValue?(name: string, value: number | null): void;
}

const parsed = (text: string): number | null => (text === '' ? null : Number(text));

/**
 * Sizes for the model's open input dims (empty = the guess shown) and values for its scalar
 * inputs (empty = seeded random), used by every measurement.
 */
export function InputSizes({ names, values, dims = [], scalars = [], scalarValues = {}, disabled, onChange, onValue }: InputSizesProps) {
  if (names.length === 0 && scalars.length === 0) return null;
  return (
    <fieldset className="input-sizes" disabled={disabled} data-testid="input-sizes">
      <legend className="muted small">Input sizes (dims without a fixed size; empty = the size shown) and scalar input values</legend>
      {names.map((name) => {
        const dim = dims.find((d) => d.key === name);
        const uses = dim && (dim.named ? `used by ${dim.uses.join(', ')}` : dim.uses[0]!.replace(/^(.*)\[(\d+)\]$/, "axis $2 of input '$1' (a dim without a name)"));
        return (
          <label key={name} className="field inline-field" title={uses}>
            <span className="mono small">{name}</span>
            <input
              type="number"
              min={1}
              step={1}
              aria-label={`Size of ${name}`}
              placeholder={dim ? String(dim.guess) : 'default'}
              value={values[name] ?? ''}
              onChange={(e) => onChange(name, parsed(e.target.value))}
            />
          </label>
        );
      })}
      {scalars.map((s) => (
        <label key={`value-${s.name}`} className="field inline-field" title={`${s.dtype} scalar input; empty = seeded random`}>
          <span className="mono small">{s.name} =</span>
          <input
            type="number"
            step={s.integer ? 1 : 'any'}
            aria-label={`Value of ${s.name}`}
            placeholder="random"
            value={scalarValues[s.name] ?? ''}
            onChange={(e) => onValue?.(s.name, parsed(e.target.value))}
          />
        </label>
      ))}
    </fieldset>
  );
}
