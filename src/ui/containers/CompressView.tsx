import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store/store-context';
import type { MethodInfo } from '../store/studio-state';
import { RecipeForm } from '../components/RecipeForm';
import { ProgressBar } from '../components/ProgressBar';
import { ErrorBanner } from '../components/ErrorBanner';
import { BackendSelect } from '../components/BackendSelect';

export function CompressView({ methods }: { methods: readonly MethodInfo[] }) {
  const s = useStudio(
    useShallow((st) => ({
      methodId: st.methodId,
      options: st.options,
      status: st.compressStatus,
      progress: st.compressProgress,
      error: st.compressError,
      setOption: st.setOption,
      compress: st.compress,
      cancel: st.cancelCompress,
      backend: st.backend,
      backends: st.backends,
      setBackend: st.setBackend,
    })),
  );
  const method = methods.find((m) => m.id === s.methodId);
  const running = s.status === 'running';
  return (
    <section className="panel" aria-label="Compress">
      <header className="panel-header">
        <h2>Compress</h2>
        {method && <span className="muted">{method.description}</span>}
      </header>
      {method && <RecipeForm fields={method.options} values={s.options} disabled={running} onChange={s.setOption} />}
      <div className="actions">
        <button type="button" className="button primary" disabled={running} onClick={() => void s.compress()}>
          Quantize to int8
        </button>
        <BackendSelect backends={s.backends} value={s.backend} disabled={running} onChange={s.setBackend} />
        {s.status === 'cancelled' && <span className="muted">Cancelled.</span>}
      </div>
      {running && <ProgressBar fraction={s.progress.fraction} label={s.progress.label} onCancel={s.cancel} />}
      {s.error && <ErrorBanner error={s.error} />}
    </section>
  );
}
