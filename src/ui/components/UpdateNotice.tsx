import type { ReloadReason } from '../pwa/update-controller';

export interface UpdateNoticeProps {
  reason: ReloadReason;
  /** The user accepted; the reload waits for the running job. */
  accepted: boolean;
  /** A job runs now. */
  busy: boolean;
  applying: boolean;
  /** A model is open: its variants live in this tab only and a reload forgets them. */
  losesWork: boolean;
  onAccept(): void;
  onPostpone(): void;
  onDismiss(): void;
}

const MESSAGES: Record<ReloadReason, string> = {
  update: 'A new version of Featherweight is ready.',
  isolation: 'Featherweight now works offline. Reload once to give WASM its threads.',
};

/** Offers the reload a new version (or cross-origin isolation) needs, and never reloads on its own. */
export function UpdateNotice({ reason, accepted, busy, applying, losesWork, onAccept, onPostpone, onDismiss }: UpdateNoticeProps) {
  const label = reason === 'update' ? 'Reload to update' : 'Reload';
  return (
    <div className="update-notice" role="status" data-reason={reason}>
      <p>
        {MESSAGES[reason]}
        {losesWork && !applying && ' The model and variants in this tab are not kept across a reload; download what you need first.'}
      </p>
      {applying ? (
        <p className="muted">Reloading…</p>
      ) : accepted ? (
        <div className="update-notice-actions">
          <span className="muted">Waiting for the running job to finish, then reloading.</span>
          <button type="button" className="button" onClick={onPostpone}>
            Don&apos;t reload
          </button>
        </div>
      ) : (
        <div className="update-notice-actions">
          <button type="button" className="button primary" onClick={onAccept}>
            {busy ? `${label} when the job finishes` : label}
          </button>
          <button type="button" className="button ghost" onClick={onDismiss}>
            Later
          </button>
        </div>
      )}
    </div>
  );
}
