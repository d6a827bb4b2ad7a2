import { ModelFormatError } from '../../core/util/errors';
import type { DroppedFile } from '../services/types';

/** The File Handling API's parts used here (Chromium's window.launchQueue; not in TypeScript's DOM types). */
export interface LaunchFileHandle {
  readonly name?: string;
  getFile(): Promise<File>;
}
export interface LaunchParamsLike {
  readonly files?: readonly LaunchFileHandle[];
}
export interface LaunchQueueLike {
  setConsumer(consumer: (params: LaunchParamsLike) => void): void;
}

/** The page's launch queue when the browser has one (an installed studio opened with a file). */
export function pageLaunchQueue(): LaunchQueueLike | undefined {
  return (globalThis as { launchQueue?: LaunchQueueLike }).launchQueue;
}

/**
 * Opens the files an installed studio was launched with the way a drop opens them (`open` gets
 * them as dropped files). Files that cannot be read go to `onError` with the reason; the ones
 * that could are still opened. Returns false when the browser has no launch queue.
 */
export function consumeLaunchFiles(
  queue: LaunchQueueLike | undefined,
  open: (files: DroppedFile[]) => void,
  onError: (error: unknown) => void,
): boolean {
  if (!queue) return false;
  queue.setConsumer((params) => {
    const handles = params.files ?? [];
    if (handles.length === 0) return;
    void Promise.allSettled(handles.map((h) => h.getFile())).then((results) => {
      const files: DroppedFile[] = [];
      const failed: string[] = [];
      results.forEach((r, i) => {
        if (r.status === 'fulfilled') files.push({ path: r.value.name, file: r.value });
        else failed.push(`${handles[i]?.name ?? `file ${i + 1}`} (${r.reason instanceof Error ? r.reason.message : String(r.reason)})`);
      });
      if (files.length > 0) open(files);
      if (failed.length > 0) {
        onError(new ModelFormatError(`Could not read the file${failed.length > 1 ? 's' : ''} the system opened Featherweight with: ${failed.join(', ')}. Expected a readable .onnx file; dropping it on the page works too.`));
      }
    });
  });
  return true;
}
