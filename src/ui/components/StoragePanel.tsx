import { useState } from 'react';
import type { StorageUsage } from '../services/workspace-storage/workspace-repository';
import { formatBytes } from '../../core/util/format';

const KIND_WORDS: Record<StorageUsage['kind'], string> = {
  opfs: "this browser's private file system (OPFS)",
  indexeddb: "this browser's IndexedDB",
  memory: 'memory only: this browser offers no storage, so nothing survives a reload',
};

export interface StoragePanelProps {
  usage: StorageUsage | null;
  busy: boolean;
  onClear(): void;
}

/** What the studio keeps on this device, and a two-step button that deletes all of it. */
export function StoragePanel({ usage, busy, onClear }: StoragePanelProps) {
  const [confirming, setConfirming] = useState(false);
  return (
    <section className="panel" aria-label="Stored on this device" data-testid="storage-panel">
      <header className="panel-header">
        <h2>Stored on this device</h2>
        {usage && <span className="muted small">in {KIND_WORDS[usage.kind]}</span>}
      </header>
      {usage ? (
        <dl className="storage-figures">
          <div>
            <dt>Workspaces</dt>
            <dd data-testid="stored-workspaces">{usage.workspaces}</dd>
          </div>
          <div>
            <dt>Their files</dt>
            <dd data-testid="stored-bytes">{formatBytes(usage.ownBytes)}</dd>
          </div>
          {usage.usage !== null && (
            <div>
              <dt>This site uses</dt>
              <dd data-testid="site-usage">
                {formatBytes(usage.usage)}
                {usage.quota !== null && ` of ${formatBytes(usage.quota)} allowed`}
              </dd>
            </div>
          )}
        </dl>
      ) : (
        <p className="muted small">Reading what is stored…</p>
      )}
      <p className="muted small">
        The open model, its variants, the recipe and the results are saved here as you work and come back after a reload. Removing a variant (✕ on
        its row) deletes its file too.
      </p>
      <div className="actions">
        {confirming ? (
          <>
            <button
              type="button"
              className="button danger"
              disabled={busy}
              onClick={() => {
                setConfirming(false);
                onClear();
              }}
            >
              Delete all{usage ? ` ${formatBytes(usage.ownBytes)}` : ''} and close the workspace
            </button>
            <button type="button" className="button ghost" onClick={() => setConfirming(false)}>
              Keep everything
            </button>
          </>
        ) : (
          <button type="button" className="button" disabled={busy || (usage !== null && usage.workspaces === 0)} onClick={() => setConfirming(true)}>
            Clear everything stored…
          </button>
        )}
      </div>
    </section>
  );
}
