import { useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store/store-context';
import { errorItems, pickErrorSources, type ErrorItem } from '../store/error-items';
import { ErrorList } from '../components/ErrorList';
import type { UiError } from '../store/ui-error';

/** Identifies one occurrence of an error: a new error from the same source shows again after a dismissal. */
const occurrence = (item: ErrorItem): string => `${item.key}\u0000${item.error.name}\u0000${item.error.message}`;

/**
 * The page's one error list: the store's errors, plus one the page itself met (a drop it could not
 * read). Every entry can be dismissed: those the store keeps a slot for are cleared there, the
 * others (a variant's failed measurement, which its row still shows) are only hidden from the list.
 */
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
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const items = useMemo(
    (): ErrorItem[] =>
      [...(pageError ? [{ key: 'drop', source: 'Dropped files', error: pageError, dismiss: 'page' as const }] : []), ...errorItems(sources)]
        .map((item) => (item.dismiss ? item : { ...item, dismiss: 'hide' as const }))
        .filter((item) => !hidden.has(occurrence(item))),
    [sources, pageError, hidden],
  );
  return (
    <ErrorList
      items={items}
      interrupted={sources.interrupted}
      onDismiss={(item) => {
        if (item.dismiss === 'page') onDismissPageError?.();
        else if (item.dismiss === 'load') actions.dismissLoadError();
        else if (item.dismiss === 'storage') actions.dismissStorageError();
        else setHidden(new Set([...hidden, occurrence(item)]));
      }}
      onRerun={(kind) => void actions.rerun(kind)}
      onDismissInterrupted={actions.dismissInterrupted}
    />
  );
}
