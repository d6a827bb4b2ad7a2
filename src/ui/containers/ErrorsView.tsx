import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store/store-context';
import { errorItems, pickErrorSources, type ErrorItem } from '../store/error-items';
import { ErrorList } from '../components/ErrorList';
import type { UiError } from '../store/ui-error';

/** The page's one error list: the store's errors, plus one the page itself met (a drop it could not read). */
export function ErrorsView({ pageError, onDismissPageError }: { pageError?: UiError | null; onDismissPageError?: () => void }) {
  const sources = useStudio(useShallow(pickErrorSources));
  const actions = useStudio(
    useShallow((st) => ({
      dismissLoadError: st.dismissLoadError,
      dismissStorageError: st.dismissStorageError,
      rerun: st.rerunInterrupted,
      dismissInterrupted: st.dismissInterrupted,
    })),
  );
  const items = useMemo((): ErrorItem[] => [...(pageError ? [{ key: 'drop', source: 'Dropped files', error: pageError, dismiss: 'page' as const }] : []), ...errorItems(sources)], [sources, pageError]);
  return (
    <ErrorList
      items={items}
      interrupted={sources.interrupted}
      onDismiss={(item) => {
        if (item.key === 'drop') onDismissPageError?.();
        else if (item.dismiss === 'load') actions.dismissLoadError();
        else if (item.dismiss === 'storage') actions.dismissStorageError();
      }}
      onRerun={(kind) => void actions.rerun(kind)}
      onDismissInterrupted={actions.dismissInterrupted}
    />
  );
}
