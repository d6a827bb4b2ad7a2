import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Progress } from '../../core/util/progress';
import type { CrossBackendReport, DeviceJobs, DeviceProfile } from '../services/device-jobs';
import { isAbort, toUiError, type UiError } from './ui-error';

/** The device panel's state, apart from the studio store: probing never touches a model. */
export interface DeviceState {
  profile: DeviceProfile | null;
  probing: boolean;
  probeError: UiError | null;
  crossCheck: { modelId: string; report: CrossBackendReport } | null;
  checking: boolean;
  checkError: UiError | null;
  phase: string | null;
  probe(): Promise<void>;
  checkBackends(modelId: string): Promise<void>;
  cancel(): void;
}

/** Nothing probed, checked or running. */
const IDLE = { profile: null, probing: false, probeError: null, crossCheck: null, checking: false, checkError: null, phase: null } as const;

function phaseOf(p: Progress): string | null {
  if (p.kind === 'phase') return p.phase;
  if (p.kind === 'step') return `${p.phase}${p.item ? ` ${p.item}` : ''} (${p.index + 1}/${p.total})`;
  return null;
}

export function createDeviceStore(jobs: DeviceJobs): StoreApi<DeviceState> {
  return createStore<DeviceState>()((set, get) => {
    /** Aborts the probe or check in flight: that stops the device's own bench worker. */
    let running: AbortController | null = null;
    const start = (): AbortSignal => {
      running = new AbortController();
      return running.signal;
    };
    const onProgress = (p: Progress): void => {
      const phase = phaseOf(p);
      if (phase) set({ phase });
    };
    return {
      ...IDLE,
      async probe() {
        if (get().probing || get().checking) return;
        set({ probing: true, probeError: null, phase: 'starting onnxruntime' });
        try {
          set({ profile: await jobs.probe(start(), onProgress) });
        } catch (e) {
          const error = toUiError(e);
          if (!isAbort(error)) set({ probeError: error });
        } finally {
          set({ probing: false, phase: null });
        }
      },
      async checkBackends(modelId) {
        if (get().probing || get().checking) return;
        set({ checking: true, checkError: null, crossCheck: null, phase: 'starting onnxruntime' });
        try {
          set({ crossCheck: { modelId, report: await jobs.crossBackend(start(), modelId, onProgress) } });
        } catch (e) {
          const error = toUiError(e);
          if (!isAbort(error)) set({ checkError: error });
        } finally {
          set({ checking: false, phase: null });
        }
      },
      cancel: () => running?.abort(),
    };
  });
}

const DeviceContext = createContext<StoreApi<DeviceState> | null>(null);

export function DeviceStoreProvider({ store, children }: { store: StoreApi<DeviceState>; children: ReactNode }) {
  return <DeviceContext.Provider value={store}>{children}</DeviceContext.Provider>;
}

/** Selects from the device store of the nearest provider, or undefined when there is none (the panel then stays hidden). */
export function useDevice<T>(selector: (state: DeviceState) => T): T | undefined {
  const store = useContext(DeviceContext);
  // A fixed fallback store keeps the hook order stable without a provider.
  return useStore(store ?? EMPTY, (s) => (store ? selector(s) : undefined));
}

const EMPTY = createStore<DeviceState>()(() => ({
  ...IDLE,
  probe: async () => {},
  checkBackends: async () => {},
  cancel: () => {},
}));
