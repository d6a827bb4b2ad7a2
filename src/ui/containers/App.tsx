import { useCallback, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store/store-context';
import type { MethodInfo } from '../store/studio-state';
import type { RecipeInput } from '../services/types';
import { useFileDrop } from '../hooks/use-file-drop';
import { DropOverlay } from '../components/DropOverlay';
import { EmptyState } from '../components/EmptyState';
import { ErrorBanner } from '../components/ErrorBanner';
import { ProgressBar } from '../components/ProgressBar';
import { SummaryView } from './SummaryView';
import { CompressView } from './CompressView';
import { CompareView } from './CompareView';
import { DeviceView } from './DeviceView';
import { SamplesView } from './SamplesView';
import { EvaluateView } from './EvaluateView';
import { routeDrop } from '../store/drop-routing';
import type { DroppedFile } from '../services/types';
import { toUiError, type UiError } from '../store/ui-error';
import { ImportReportButton } from '../report/ImportReportButton';

export interface AppProps {
  methods: readonly MethodInfo[];
  /** A recipe in the CLI grammar (the core's recipeToString). */
  describeRecipe(recipe: RecipeInput): string;
  sample: { title: string; credit: string };
}

export function App({ methods, describeRecipe, sample }: AppProps) {
  const s = useStudio(
    useShallow((st) => ({
      model: st.model,
      summary: st.summary,
      status: st.loadStatus,
      error: st.loadError,
      openFiles: st.openFiles,
      openSample: st.openSample,
      dismiss: st.dismissLoadError,
      addSamples: st.addSamples,
    })),
  );
  const { openFiles, addSamples } = s;
  const hasModel = s.summary !== null;
  const onFiles = useCallback((files: File[]) => void openFiles(files), [openFiles]);
  // A drop whose folder could not be walked: neither a model nor samples, so it is shown here.
  const [dropError, setDropError] = useState<UiError | null>(null);
  const onDropError = useCallback((e: unknown) => setDropError(toUiError(e)), []);
  const onDrop = useCallback(
    (dropped: DroppedFile[]) => {
      setDropError(null);
      if (routeDrop(dropped, hasModel) === 'samples') void addSamples(dropped);
      else void openFiles(dropped.map((d) => d.file));
    },
    [openFiles, addSamples, hasModel],
  );
  const dragging = useFileDrop(onDrop, onDropError);
  const loading = s.status === 'loading';
  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            ◆
          </span>
          <h1>Featherweight</h1>
          <span className="muted">ONNX compression studio · runs entirely in your browser</span>
        </div>
        <div className="topbar-actions">
          <ImportReportButton />
          {s.model && <FilePickButton onFiles={onFiles} disabled={loading} />}
        </div>
      </header>
      <main>
        {s.error && <ErrorBanner error={s.error} onDismiss={s.dismiss} />}
        {dropError && <ErrorBanner error={dropError} onDismiss={() => setDropError(null)} />}
        {loading && <ProgressBar fraction={null} label={`Reading ${s.model?.name ?? 'model'}…`} />}
        {s.summary && s.model ? (
          <>
            <SummaryView model={s.model} summary={s.summary} />
            <SamplesView />
            <CompressView methods={methods} describeRecipe={describeRecipe} />
            <CompareView />
            <EvaluateView />
          </>
        ) : (
          !loading && <EmptyState busy={loading} sampleTitle={sample.title} sampleCredit={sample.credit} onFiles={onFiles} onTrySample={() => void s.openSample()} />
        )}
        <DeviceView />
      </main>
      <footer className="footer muted small">
        Models never leave this machine. Sample model: {sample.title}, {sample.credit}.
      </footer>
      <DropOverlay visible={dragging} samples={hasModel} />
    </div>
  );
}

function FilePickButton({ onFiles, disabled }: { onFiles: (files: File[]) => void; disabled: boolean }) {
  return (
    <label className={`button${disabled ? ' disabled' : ''}`}>
      Open another model…
      <input
        type="file"
        multiple
        hidden
        disabled={disabled}
        accept=".onnx,.data,.bin,application/octet-stream"
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = '';
          if (files.length > 0) onFiles(files);
        }}
      />
    </label>
  );
}
