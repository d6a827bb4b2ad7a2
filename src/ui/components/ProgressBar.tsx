export interface ProgressBarProps {
  /** 0..1; null shows an indeterminate bar. */
  fraction: number | null;
  label: string;
  onCancel?: () => void;
}

export function ProgressBar({ fraction, label, onCancel }: ProgressBarProps) {
  const percent = fraction === null ? undefined : Math.round(Math.min(1, Math.max(0, fraction)) * 100);
  return (
    <div className="progress">
      <div
        className={`progress-track${percent === undefined ? ' indeterminate' : ''}`}
        role="progressbar"
        aria-label={label || 'Working'}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
      >
        <div className="progress-fill" style={{ width: percent === undefined ? undefined : `${percent}%` }} />
      </div>
      <span className="progress-label">
        {label}
        {percent !== undefined && ` · ${percent}%`}
      </span>
      {onCancel && (
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      )}
    </div>
  );
}
