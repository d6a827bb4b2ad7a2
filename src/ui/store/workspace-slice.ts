import type { StateCreator } from 'zustand';
import type { StorageUsage } from '../services/workspace-storage/workspace-repository';
import type { InterruptedJob } from './workspace-manifest';
import { toUiError, type UiError } from './ui-error';
import type { SliceDeps } from './store-deps';

export type RestoreStatus = 'idle' | 'restoring' | 'restored';

export interface WorkspaceSlice {
  /** What is stored on this device; null until read, and where nothing is stored (no storage given). */
  storageUsage: StorageUsage | null;
  /** The last storage failure (a full quota, a damaged workspace); what was stored before it is kept. */
  storageError: UiError | null;
  /** Jobs that were running when the tab closed or crashed: each can be run again. */
  interrupted: InterruptedJob[];
  /** 'restoring' while the last workspace is read back on start. */
  restoreStatus: RestoreStatus;
  refreshStorageUsage(): Promise<void>;
  dismissStorageError(): void;
  dismissInterrupted(kind: InterruptedJob['kind']): void;
}

export const createWorkspaceSlice =
  ({ services }: SliceDeps): StateCreator<WorkspaceSlice, [], [], WorkspaceSlice> =>
  (set, get) => ({
    storageUsage: null,
    storageError: null,
    interrupted: [],
    restoreStatus: 'idle',
    async refreshStorageUsage() {
      if (!services.workspace) return;
      try {
        set({ storageUsage: await services.workspace.usage() });
      } catch (e) {
        set({ storageError: toUiError(e) });
      }
    },
    dismissStorageError() {
      set({ storageError: null });
    },
    dismissInterrupted(kind) {
      set({ interrupted: get().interrupted.filter((j) => j.kind !== kind) });
    },
  });
