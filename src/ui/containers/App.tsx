import { useCallback, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store/store-context';
import type { MethodInfo } from '../store/studio-state';
import type { RecipeInput } from '../services/types';
import { useFileDrop } from '../hooks/use-file-drop';
import { useLaunchFiles } from '../pwa/use-launch-files';
import { DropOverlay } from '../components/DropOverlay';
import { EmptyState } from '../components/EmptyState';
import { ErrorsView } from './ErrorsView';
import { StorageView } from './StorageView';
import { ProgressBar } from '../components/ProgressBar';
import { SummaryView } from './SummaryView';
import { CompressView } from './CompressView';
import { CompareView } from './CompareView';
import { TradeoffsView } from './TradeoffsView';
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
      opening: st.opening,
      restoring: st.restoreStatus === 'restoring',
      openFiles: st.openFiles,
      openSample: st.openSample,
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
  useLaunchFiles(onDrop, onDropError);
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
        <ErrorsView pageError={dropError} onDismissPageError={() => setDropError(null)} />
        {loading && <ProgressBar fraction={null} label={`Reading ${s.opening ?? 'model'}…`} />}
        {s.restoring && !loading && <ProgressBar fraction={null} label="Restoring your last workspace…" />}
        {s.summary && s.model ? (
          <>
            <SummaryView model={s.model} summary={s.summary} />
            <SamplesView />
            <CompressView methods={methods} describeRecipe={describeRecipe} />
            <CompareView />
            <TradeoffsView />
            <EvaluateView />
          </>
        ) : (
          !loading && !s.restoring && <EmptyState busy={loading} sampleTitle={sample.title} sampleCredit={sample.credit} onFiles={onFiles} onTrySample={() => void s.openSample()} />
        )}
        <DeviceView />
        <StorageView />
      </main>
      <footer className="footer muted small">
        Models never leave this machine. Sample model: {sample.title}, {sample.credit}.
      </footer>
      <DropOverlay visible={dragging} samples={hasModel} />
    </div>
  );
}

function FilePickButton({ onFiles, disabled }: { onFiles: (files: File[]) => void; disabled: boolean }) {
  // A real button (reachable by Tab, pressed by Enter or Space) in front of the hidden file input.
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" className="button" disabled={disabled} onClick={() => input.current?.click()}>
        Open another model…
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        disabled={disabled}
        aria-label="Open another model"
        accept=".onnx,.data,.bin,application/octet-stream"
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = '';
          if (files.length > 0) onFiles(files);
        }}
      />
    </>
  );
}
