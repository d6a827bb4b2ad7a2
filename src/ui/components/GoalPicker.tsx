import { GOALS, type Goal } from '../../core/recipe/goals';

export interface GoalPickerProps {
  disabled?: boolean;
  onPick(goal: Goal): void;
}

/** Named starting recipes: one click fills the recipe editor, which stays editable. */
export function GoalPicker({ disabled, onPick }: GoalPickerProps) {
  return (
    <div className="goal-picker" role="group" aria-label="Start from a goal">
      <span className="muted small">Start from a goal:</span>
      {GOALS.map((g) => (
        <button key={g.id} type="button" className="button small-button" disabled={disabled} title={`${g.recipe}: ${g.why}`} onClick={() => onPick(g)}>
          {g.label}
        </button>
      ))}
    </div>
  );
}
