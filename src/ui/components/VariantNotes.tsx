import type { CalibrationUsed, CompressStep } from '../services/types';
import { formatMs } from '../../core/util/format';

export interface VariantNotesProps {
  variants: readonly { id: string; label: string; recipeText: string; steps: readonly CompressStep[]; calibration?: CalibrationUsed }[];
}

export function describeCalibration(c: CalibrationUsed): string {
  return c.kind === 'samples' ? `calibrated on ${c.count} of your ${c.of} samples` : `calibrated on ${c.count} seeded synthetic inputs (no usable samples)`;
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
          {v.calibration && (
            <span className="calibration" data-testid="calibration" data-kind={v.calibration.kind}>
              {' · '}
              {describeCalibration(v.calibration)}
            </span>
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
