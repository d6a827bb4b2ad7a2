import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store/store-context';
import { StoragePanel } from '../components/StoragePanel';

/** The storage panel over the store; absent where the studio was built without storage (tests). */
export function StorageView() {
  const s = useStudio(
    useShallow((st) => ({
      usage: st.storageUsage,
      busy: st.restoreStatus === 'restoring' || st.loadStatus === 'loading',
      clear: st.clearEverything,
    })),
  );
  if (!s.usage) return null;
  return <StoragePanel usage={s.usage} busy={s.busy} onClear={() => void s.clear()} />;
}
