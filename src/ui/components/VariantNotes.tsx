import type { CompressStep } from '../services/types';
import { formatMs } from '../format';

export interface VariantNotesProps {
  variants: readonly { id: string; label: string; recipeText: string; steps: readonly CompressStep[] }[];
}

/** Per variant: its recipe in the CLI grammar, what each step did, and anything a step warned about. */
export function VariantNotes({ variants }: VariantNotesProps) {
  return (
    <ul className="variant-notes small" data-testid="variant-notes">
      {variants.map((v) => (
        <li key={v.id}>
          <strong>{v.label}</strong> <span className="mono muted">--recipe {v.recipeText}</span>
          <span className="muted">
            {' · '}
            {v.steps.map((s) => `${s.method}: ${s.tensors} tensor${s.tensors === 1 ? '' : 's'} rewritten in ${formatMs(s.ms)}`).join('; ')}
          </span>
          {v.steps.flatMap((s) =>
            s.warnings.map((w) => (
              <div key={`${s.method}-${w}`} className="step-warning">
                ⚠ {s.method}: {w}
              </div>
            )),
          )}
        </li>
      ))}
    </ul>
  );
}
