import type { ErrorItem, InterruptedJob } from '../store/error-items';
import { describeError } from '../store/error-words';

export interface ErrorListProps {
  items: readonly ErrorItem[];
  /** Jobs a closed or crashed tab left unfinished, each with a Rerun button. */
  interrupted?: readonly InterruptedJob[];
  onDismiss?(item: ErrorItem): void;
  onRerun?(kind: InterruptedJob['kind']): void;
  onDismissInterrupted?(kind: InterruptedJob['kind']): void;
}

/** Every error on the page in one list, in a user's words, the runtime's raw text behind a disclosure. */
export function ErrorList({ items, interrupted = [], onDismiss, onRerun, onDismissInterrupted }: ErrorListProps) {
  if (items.length === 0 && interrupted.length === 0) return null;
  return (
    <ul className="error-list" data-testid="error-list" aria-label="Problems">
      {interrupted.map((job) => (
        <li key={`interrupted:${job.kind}`} className="error-item interrupted" role="status" data-testid="interrupted-job" data-kind={job.kind}>
          <div>
            <strong className="error-title">Interrupted</strong>
            <p className="error-message">{job.what} was still running when the page closed, so it did not finish.</p>
          </div>
          <div className="error-actions">
            {onRerun && (
              <button type="button" className="button" onClick={() => onRerun(job.kind)}>
                Rerun
              </button>
            )}
            {onDismissInterrupted && (
              <button type="button" className="button ghost" onClick={() => onDismissInterrupted(job.kind)} aria-label={`Dismiss: ${job.what}`}>
                ✕
              </button>
            )}
          </div>
        </li>
      ))}
      {items.map((item) => {
        const words = describeError(item.error, item.source.includes('·') ? item.source.split(' · ')[0] : undefined);
        return (
          <li key={item.key} className="error-item" role="alert" data-error-name={item.error.name} data-source={item.key}>
            <div>
              <strong className="error-title">{words.title}</strong>
              <span className="error-source">{item.source}</span>
              <p className="error-message">{words.summary}</p>
              {words.raw && (
                <details className="error-raw">
                  <summary>Details</summary>
                  <pre>{words.raw}</pre>
                </details>
              )}
            </div>
            {item.dismiss && onDismiss && (
              <button type="button" className="button ghost" onClick={() => onDismiss(item)} aria-label="Dismiss error">
                ✕
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );
}
