import { useEffect } from 'react';
import type { DroppedFile } from '../services/types';
import { consumeLaunchFiles, pageLaunchQueue } from './launch-files';

/** Hands the files an installed studio was opened with (file_handlers in the manifest) to `open`, like a drop. */
export function useLaunchFiles(open: (files: DroppedFile[]) => void, onError: (error: unknown) => void): void {
  useEffect(() => {
    consumeLaunchFiles(pageLaunchQueue(), open, onError);
  }, [open, onError]);
}
