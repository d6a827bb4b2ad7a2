import type { StoreApi } from 'zustand/vanilla';
import type { StudioState } from '../store/studio-state';
import type { DeviceState } from '../store/device-store';
import { selectMeasuring } from '../store/measure-slice';
import type { JobStatus } from '../store/job-progress';

/** Whether some job the user started is still going, and a way to hear when that may have changed. */
export interface BusySignal {
  isBusy(): boolean;
  subscribe(listener: () => void): () => void;
}

const active = (status: JobStatus): boolean => status === 'queued' || status === 'running';

type JobFields = Pick<StudioState, 'loadStatus' | 'compressStatus' | 'measurements' | 'evalStatus' | 'perLayerStatus' | 'samplesStatus'>;

/** A model being read, a compression, a measurement, an evaluation or samples being read: a reload would cut it off. */
export function studioJobRunning(s: JobFields): boolean {
  return (
    s.loadStatus === 'loading' ||
    active(s.compressStatus) ||
    selectMeasuring(s) ||
    active(s.evalStatus) ||
    active(s.perLayerStatus) ||
    s.samplesStatus === 'queued' ||
    s.samplesStatus === 'reading'
  );
}

/** A device probe or a WebGPU-against-WASM check. */
export function deviceJobRunning(s: Pick<DeviceState, 'probing' | 'checking'>): boolean {
  return s.probing || s.checking;
}

/** Busy while either store runs a job. */
export function storesBusySignal(studio: StoreApi<StudioState>, device: StoreApi<DeviceState>): BusySignal {
  return {
    isBusy: () => studioJobRunning(studio.getState()) || deviceJobRunning(device.getState()),
    subscribe(listener) {
      const a = studio.subscribe(listener);
      const b = device.subscribe(listener);
      return () => {
        a();
        b();
      };
    },
  };
}
