import type { MethodInfo } from '../store/studio-state';
import type { DraftStep, OptionValue } from '../store/recipe';
import { MethodPicker } from './MethodPicker';
import { RecipeForm } from './RecipeForm';

export interface RecipeStepCardProps {
  index: number;
  step: DraftStep;
  methods: readonly MethodInfo[];
  /** Only when the recipe has several steps. */
  removable: boolean;
  disabled?: boolean;
  onMethod(methodId: string): void;
  onOption(key: string, value: OptionValue): void;
  onRemove(): void;
}

/** One step of the recipe: its method and that method's generated option form. */
export function RecipeStepCard({ index, step, methods, removable, disabled, onMethod, onOption, onRemove }: RecipeStepCardProps) {
  const method = methods.find((m) => m.id === step.methodId);
  return (
    <fieldset className="recipe-step" data-testid="recipe-step" aria-label={`Step ${index + 1}`}>
      <div className="recipe-step-header">
        <span className="step-number">{index + 1}</span>
        <MethodPicker id={`${step.key}-method`} methods={methods} value={step.methodId} disabled={disabled} onChange={onMethod} />
        {removable && (
          <button type="button" className="button ghost push-right" disabled={disabled} onClick={onRemove} aria-label={`Remove step ${index + 1}`}>
            ✕
          </button>
        )}
      </div>
      {method && <RecipeForm idPrefix={step.key} fields={method.options} values={step.options} disabled={disabled} onChange={onOption} />}
    </fieldset>
  );
}
