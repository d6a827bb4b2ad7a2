import type { StoreApi } from 'zustand/vanilla';
import type { StudioState } from '../store/studio-state';
import type { DeviceState } from '../store/device-store';
import { storesBusySignal } from './busy-signal';
import { createUpdateController, type UpdateController } from './update-controller';
import { registerServiceWorker } from './register-service-worker';

/**
 * The offline studio: the reload offers, held back while either store runs a job, and the
 * service worker in a production build (`vite` dev serves no worker).
 */
export function startPwa(studio: StoreApi<StudioState>, device: StoreApi<DeviceState>): UpdateController {
  const controller = createUpdateController({ busy: storesBusySignal(studio, device) });
  if (import.meta.env.PROD) registerServiceWorker(controller);
  return controller;
}
