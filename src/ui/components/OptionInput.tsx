import { useState } from 'react';
import { splitOutsideRegex } from '../../core/graph/node-patterns';
import type { OptionField } from '../../core/methods/types';
import type { OptionValue } from '../store/recipe';

export interface OptionInputProps {
  /** The control's id, unique on the page. */
  id: string;
  field: OptionField;
  value: OptionValue;
  disabled?: boolean;
  onChange(value: OptionValue): void;
}

/** One form control, chosen by the option's declared kind. */
export function OptionInput({ id, field, value, disabled, onChange }: OptionInputProps) {
  const label = (
    <label htmlFor={id} title={field.help}>
      {field.label}
    </label>
  );
  switch (field.kind) {
    case 'number':
      return (
        <div className="field">
          {label}
          <input
            id={id}
            type="number"
            value={Number(value)}
            min={field.min}
            max={field.max}
            step={field.integer ? 1 : 'any'}
            disabled={disabled}
            onChange={(e) => {
              const n = e.target.valueAsNumber;
              if (Number.isFinite(n)) onChange(n);
            }}
          />
        </div>
      );
    case 'boolean':
      return (
        <div className="field checkbox">
          <input id={id} type="checkbox" checked={value === true} disabled={disabled} onChange={(e) => onChange(e.target.checked)} />
          {label}
        </div>
      );
    case 'enum':
      return (
        <div className="field">
          {label}
          <select id={id} value={String(value)} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
            {field.choices.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
      );
    case 'string-list': {
      const items = Array.isArray(value) ? value : [];
      if (field.choices) {
        return (
          <fieldset className="field" disabled={disabled}>
            <legend title={field.help}>{field.label}</legend>
            {field.choices.map((c) => (
              <label key={c} className="inline">
                <input
                  type="checkbox"
                  checked={items.includes(c)}
                  onChange={(e) => onChange(e.target.checked ? [...items, c] : items.filter((x) => x !== c))}
                />
                {c}
              </label>
            ))}
          </fieldset>
        );
      }
      return (
        <div className="field">
          {label}
          <ListTextInput id={id} items={items} placeholder={field.patterns ? 'names, globs (conv_*) or /regex/' : 'comma-separated names'} disabled={disabled} onChange={onChange} />
        </div>
      );
    }
  }
}

function parseList(text: string): string[] {
  return splitOutsideRegex(text, ',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * A comma-separated list typed as text: the text the user types is kept as typed (a trailing comma
 * included) and shown anew only when the list changes from outside. Commas inside a /regex/ do not split.
 */
function ListTextInput({ id, items, placeholder, disabled, onChange }: { id: string; items: readonly string[]; placeholder: string; disabled?: boolean | undefined; onChange(items: string[]): void }) {
  const [text, setText] = useState(items.join(', '));
  const parsed = parseList(text);
  const shown = parsed.length === items.length && parsed.every((x, i) => x === items[i]) ? text : items.join(', ');
  return (
    <input
      id={id}
      type="text"
      value={shown}
      placeholder={placeholder}
      disabled={disabled}
      onChange={(e) => {
        setText(e.target.value);
        onChange(parseList(e.target.value));
      }}
    />
  );
}
