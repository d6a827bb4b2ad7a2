import { useMemo, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store/store-context';
import { SAMPLE_FIELDS } from '../store/sample-settings';
import { imageTargetFor } from '../../core/evaluate/loaders/image-input';
import { pickedFiles } from '../services/dropped-files';
import type { DroppedFile, ModelSummary } from '../services/types';
import { RecipeForm } from '../components/RecipeForm';
import { ProgressBar } from '../components/ProgressBar';
import { SampleSetSummary } from '../components/SampleSetSummary';

const ACCEPT = '.png,.jpg,.jpeg,.webp,.wav,.npy,.npz,.json,.csv,image/*';

/** What the model's first input says about image samples: layout and size, or why images do not fit. */
function imageInputNote(summary: ModelSummary | null, layout: string): string | null {
  const spec = summary?.inputs[0];
  if (!spec || summary!.inputs.length !== 1) return null;
  try {
    const t = imageTargetFor(spec, {}, spec.name, layout === 'NCHW' || layout === 'NHWC' ? layout : undefined);
    const size = t.height !== undefined && t.width !== undefined ? `resized to ${t.height}×${t.width}` : 'at their own size (the input leaves H×W open)';
    return `Images feed input '${spec.name}' as ${t.layout}${layout === 'auto' ? ' (from its shape)' : ''}, ${t.channels === 1 ? 'grey' : '3 channels'}, ${size}.`;
  } catch {
    return null;
  }
}

/** A real button (reachable by keyboard) that opens a hidden file input. */
function PickButton({ label, folder, onFiles }: { label: string; folder?: boolean; onFiles: (files: DroppedFile[]) => void }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" className="button" onClick={() => input.current?.click()}>
        {label}
      </button>
      <input
        ref={(el) => {
          input.current = el;
          if (el && folder) el.setAttribute('webkitdirectory', '');
        }}
        type="file"
        multiple
        hidden
        accept={folder ? undefined : ACCEPT}
        data-testid={folder ? 'pick-sample-folder' : 'pick-sample-files'}
        onChange={(e) => {
          const files = pickedFiles(e.target.files ?? []);
          e.target.value = '';
          if (files.length > 0) onFiles(files);
        }}
      />
    </>
  );
}

/** The user's samples: pick or drop files or a folder, see what was read, set how images and audio become inputs. */
export function SamplesView() {
  const s = useStudio(
    useShallow((st) => ({
      summary: st.summary,
      names: st.sampleFileNames,
      form: st.sampleForm,
      classMode: st.classMode,
      classText: st.classText,
      status: st.samplesStatus,
      progress: st.samplesProgress,
      info: st.samplesInfo,
      error: st.samplesError,
      addSamples: st.addSamples,
      clearSamples: st.clearSamples,
      setOption: st.setSampleOption,
      setClassMapping: st.setClassMapping,
    })),
  );
  const note = useMemo(() => imageInputNote(s.summary, String(s.form.layout)), [s.summary, s.form.layout]);
  const busy = s.status === 'reading' || s.status === 'queued';
  return (
    <section className="panel" aria-label="Samples" data-testid="samples">
      <header className="panel-header">
        <h2>Your samples</h2>
        <span className="muted">
          For accuracy, the per-layer view and int8-static calibration. Read in a worker on this machine, never uploaded.
        </span>
      </header>
      <div className="actions">
        <PickButton label="Choose sample files…" onFiles={(f) => void s.addSamples(f)} />
        <PickButton label="Choose a folder…" folder onFiles={(f) => void s.addSamples(f)} />
        {s.names.length > 0 && (
          <button type="button" className="button" onClick={s.clearSamples}>
            Clear samples
          </button>
        )}
        <span className="muted small">
          …or drop images, WAV, .npy, .npz or JSON files, or a folder, anywhere on the page. A folder per class, or a <span className="mono">file,label</span> CSV
          beside the files, labels them.
        </span>
      </div>
      {busy && <ProgressBar fraction={s.progress.fraction} label={s.status === 'queued' ? 'Waiting for the bench worker' : s.progress.label || 'Reading samples'} />}
      {s.info && s.status === 'ready' && <SampleSetSummary info={s.info} />}
      {s.names.length === 0 && <p className="muted small">No samples yet: accuracy and calibration use seeded synthetic inputs.</p>}
      <details className="sample-settings" open={s.names.length > 0}>
        <summary>Preprocessing</summary>
        {note && <p className="muted small">{note}</p>}
        <RecipeForm idPrefix="sample" fields={SAMPLE_FIELDS} values={s.form} onChange={s.setOption} />
        <div className="recipe-form class-mapping">
          <div className="field">
            <label htmlFor="sample-class-mode">Labels</label>
            <select id="sample-class-mode" value={s.classMode} onChange={(e) => s.setClassMapping(e.target.value === 'list' ? 'list' : 'auto')}>
              <option value="auto">indices, or names in sorted order</option>
              <option value="list">class names in this order</option>
            </select>
          </div>
          {s.classMode === 'list' && (
            <div className="field">
              <label htmlFor="sample-class-list">Classes (output index order)</label>
              <input id="sample-class-list" type="text" value={s.classText} placeholder="e.g. 0, 180" onChange={(e) => s.setClassMapping('list', e.target.value)} />
            </div>
          )}
        </div>
      </details>
    </section>
  );
}
