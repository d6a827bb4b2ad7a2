import type { OptionField } from '../../core/methods/types';
import type { OptionValue } from '../store/recipe';
import { OptionInput } from './OptionInput';

export interface RecipeFormProps {
  /** Makes the controls' ids unique when several forms share the page. */
  idPrefix?: string;
  fields: readonly OptionField[];
  values: Readonly<Record<string, OptionValue>>;
  disabled?: boolean;
  onChange(key: string, value: OptionValue): void;
}

/** The method's options, generated from its declarations (defaults where the user changed nothing). */
export function RecipeForm({ idPrefix = 'option', fields, values, disabled, onChange }: RecipeFormProps) {
  if (fields.length === 0) return <p className="muted">This method has no options.</p>;
  return (
    <form className="recipe-form" onSubmit={(e) => e.preventDefault()}>
      {fields.map((f) => (
        <OptionInput
          key={f.key}
          id={`${idPrefix}-${f.key}`}
          field={f}
          value={values[f.key] ?? (f.kind === 'string-list' ? [...f.default] : f.default)}
          disabled={disabled}
          onChange={(v) => onChange(f.key, v)}
        />
      ))}
    </form>
  );
}
