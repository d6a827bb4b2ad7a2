import { useState } from 'react';

export interface BenchRunsFieldProps {
  runs: number;
  min: number;
  max: number;
  disabled?: boolean;
  onChange(runs: number): void;
}

/** The timed runs per model of the next measurement; a value out of range stays in the field until fixed. */
export function BenchRunsField({ runs, min, max, disabled, onChange }: BenchRunsFieldProps) {
  const [text, setText] = useState(String(runs));
  const value = Number(text);
  const valid = text !== '' && Number.isInteger(value) && value >= min && value <= max;
  return (
    <label className="field inline-field" title={`Timed runs per model, ${min} to ${max}: more runs give a narrower interval around each speed ratio`}>
      <span className="small">Runs</span>
      <input
        type="number"
        min={min}
        max={max}
        step={1}
        aria-label="Timed runs per model"
        aria-invalid={!valid}
        disabled={disabled}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          const n = Number(e.target.value);
          if (e.target.value !== '' && Number.isInteger(n) && n >= min && n <= max) onChange(n);
        }}
      />
    </label>
  );
}
