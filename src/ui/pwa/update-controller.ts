import { createStore, type StoreApi } from 'zustand/vanilla';
import type { BusySignal } from './busy-signal';

/**
 * Why the page wants a reload: a new version of the studio is waiting (`update`), or the service
 * worker now controls a page the host served without isolation headers (`isolation`: after the
 * reload the worker's headers make it cross-origin isolated, so WASM gets its threads).
 */
export type ReloadReason = 'update' | 'isolation';

export interface UpdateState {
  /** A reload on offer, or null. */
  offer: ReloadReason | null;
  /** The user said yes; it happens once no job runs. */
  accepted: boolean;
  /** A job runs now (a reload would cut it off). */
  busy: boolean;
  /** The reload has been started. */
  applying: boolean;
}

export interface UpdateController {
  readonly store: StoreApi<UpdateState>;
  /** Offers a reload; `apply` performs it (activate the waiting worker, reload). An update outranks an isolation offer. */
  offer(reason: ReloadReason, apply: () => void): void;
  /** The user accepts: applied now when nothing runs, else as soon as the running jobs end. */
  accept(): void;
  /** The user takes an accepted reload back (or dismisses the offer): nothing happens until accepted again. */
  postpone(): void;
  dismiss(): void;
  dispose(): void;
}

export interface UpdateControllerDeps {
  busy: BusySignal;
  /**
   * Runs a check after the current task. A workflow queues its next job right after the last one
   * settles (compress, then measure), so "no job" is trusted only once it still holds a task later.
   */
  later?: (check: () => void) => void;
}

const defaultLater = (check: () => void): void => void setTimeout(check, 0);

export function createUpdateController({ busy, later = defaultLater }: UpdateControllerDeps): UpdateController {
  const store = createStore<UpdateState>()(() => ({ offer: null, accepted: false, busy: busy.isBusy(), applying: false }));
  let apply: (() => void) | null = null;
  let checkPending = false;

  const tryApply = (): void => {
    const s = store.getState();
    if (!s.accepted || s.applying || !apply || checkPending || busy.isBusy()) return;
    checkPending = true;
    later(() => {
      checkPending = false;
      const now = store.getState();
      if (!now.accepted || now.applying || !apply || busy.isBusy()) return;
      store.setState({ applying: true });
      apply();
    });
  };

  const unsubscribe = busy.subscribe(() => {
    const isBusy = busy.isBusy();
    if (store.getState().busy !== isBusy) store.setState({ busy: isBusy });
    tryApply();
  });

  return {
    store,
    offer(reason, perform) {
      const { offer, applying } = store.getState();
      if (applying || (offer === 'update' && reason === 'isolation')) return;
      apply = perform;
      store.setState({ offer: reason, busy: busy.isBusy() });
      tryApply();
    },
    accept() {
      if (!store.getState().offer) return;
      store.setState({ accepted: true, busy: busy.isBusy() });
      tryApply();
    },
    postpone() {
      if (!store.getState().applying) store.setState({ accepted: false });
    },
    dismiss() {
      if (store.getState().applying) return;
      apply = null;
      store.setState({ offer: null, accepted: false });
    },
    dispose: unsubscribe,
  };
}
