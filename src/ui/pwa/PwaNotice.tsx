import { useStore } from 'zustand';
import { UpdateNotice } from '../components/UpdateNotice';
import { useStudio } from '../store/store-context';
import type { UpdateController } from './update-controller';

/** The reload offer from the service worker, shown over the studio while one is open. */
export function PwaNotice({ controller }: { controller: UpdateController }) {
  const { offer, accepted, busy, applying } = useStore(controller.store);
  // A workspace kept in OPFS or IndexedDB comes back after the reload; one only in memory does not.
  const losesWork = useStudio((s) => s.model !== null && s.storageUsage?.kind !== 'opfs' && s.storageUsage?.kind !== 'indexeddb');
  if (!offer) return null;
  return (
    <UpdateNotice
      reason={offer}
      accepted={accepted}
      busy={busy}
      applying={applying}
      losesWork={losesWork}
      onAccept={controller.accept}
      onPostpone={controller.postpone}
      onDismiss={controller.dismiss}
    />
  );
}
