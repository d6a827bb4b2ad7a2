import { formatChange, summarizeChanges } from '../../core/methods/changes';
import type { ModelTotals } from '../../core/recipe/totals';
import type { CalibrationUsed, StepReport } from '../services/types';
import { formatBytes, formatCount, formatMs } from '../../core/util/format';

export interface VariantNotesProps {
  variants: readonly { id: string; label: string; recipeText: string; steps: readonly StepReport[]; calibration?: CalibrationUsed }[];
  /** Saves a variant's recipe as JSON (a button per variant when given). */
  onExportRecipe?(id: string): void;
  /** By variant id: its MACs and the original's at the input sizes set, once recounted. */
  macsAtSizes?: Readonly<Record<string, string | null>>;
}

export function describeCalibration(c: CalibrationUsed): string {
  return c.kind === 'samples' ? `calibrated on ${c.count} of your ${c.of} samples` : `calibrated on ${c.count} seeded synthetic inputs (no usable samples)`;
}

const TOTALS: readonly { key: keyof ModelTotals; label: string; format: (n: number) => string }[] = [
  { key: 'parameters', label: 'parameters', format: formatCount },
  { key: 'macs', label: 'MACs', format: formatCount },
  { key: 'storedBytes', label: 'stored', format: formatBytes },
  { key: 'gzipBytes', label: 'gzip', format: formatBytes },
];

/** "stored 4.00 MB → 1.01 MB · gzip …": each total before and after the step; unchanged ones once. */
export function describeTotals(before: ModelTotals, after: ModelTotals): string {
  return TOTALS.map(({ key, label, format }) => {
    const a = format(before[key]);
    const b = format(after[key]);
    return `${label} ${a === b ? a : `${a} → ${b}`}`;
  }).join(' · ');
}

function StepNotes({ step }: { step: StepReport }) {
  const summary = summarizeChanges(step.changes);
  return (
    <div className="step-notes" data-testid="step-notes" data-method={step.method}>
      <span className="muted">
        {step.method}: {step.tensors} tensor{step.tensors === 1 ? '' : 's'} rewritten in {formatMs(step.ms)} · {describeTotals(step.before, step.after)}
      </span>
      {summary.map((line) => (
        <div key={line} className="step-change small">
          {line}
        </div>
      ))}
      {step.changes.length > 0 && (
        <details className="step-changes">
          <summary>
            {step.changes.length} layer change{step.changes.length === 1 ? '' : 's'}
          </summary>
          <ul data-testid="layer-changes">
            {step.changes.map((c, i) => (
              <li key={i} data-kind={c.kind}>
                {formatChange(c)}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

/** Per variant: its recipe in the CLI grammar, what each step did (totals and layer changes of any kind), and anything a step warned about. */
export function VariantNotes({ variants, onExportRecipe, macsAtSizes }: VariantNotesProps) {
  return (
    <ul className="variant-notes small" data-testid="variant-notes">
      {variants.map((v) => (
        <li key={v.id}>
          <strong>{v.label}</strong> <span className="mono muted">--recipe {v.recipeText}</span>
          {onExportRecipe && (
            <>
              {' '}
              <button type="button" className="link-button small" onClick={() => onExportRecipe(v.id)} aria-label={`Export the recipe JSON of ${v.label}`}>
                recipe JSON
              </button>
            </>
          )}
          {v.calibration && (
            <span className="calibration" data-testid="calibration" data-kind={v.calibration.kind}>
              {' · '}
              {describeCalibration(v.calibration)}
            </span>
          )}
          {v.steps.map((s, i) => (
            <StepNotes key={`${s.method}-${i}`} step={s} />
          ))}
          {macsAtSizes?.[v.id] && (
            <div className="step-change small" data-testid="variant-macs">
              {macsAtSizes[v.id]}
            </div>
          )}
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
