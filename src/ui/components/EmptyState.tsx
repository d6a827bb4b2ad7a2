import { useRef } from 'react';

export interface EmptyStateProps {
  busy: boolean;
  sampleTitle: string;
  sampleCredit: string;
  onFiles(files: File[]): void;
  onTrySample(): void;
}

export function EmptyState({ busy, sampleTitle, sampleCredit, onFiles, onTrySample }: EmptyStateProps) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <section className="empty-state">
      <div className="drop-hint" aria-hidden="true">
        ⬇
      </div>
      <h2>Drop an ONNX model anywhere on this page</h2>
      <p className="muted">
        It never leaves your machine: decoding, compression and benchmarks run in Web Workers in this tab. Drop external data files
        together with the model.
      </p>
      <div className="actions">
        <button type="button" className="button primary" disabled={busy} onClick={() => input.current?.click()}>
          Choose a file…
        </button>
        <button type="button" className="button" disabled={busy} onClick={onTrySample}>
          Try the sample model
        </button>
      </div>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        accept=".onnx,.data,.bin,application/octet-stream"
        data-testid="file-input"
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = '';
          if (files.length > 0) onFiles(files);
        }}
      />
      <p className="sample-credit muted">
        Sample: {sampleTitle}, {sampleCredit}.
      </p>
    </section>
  );
}
