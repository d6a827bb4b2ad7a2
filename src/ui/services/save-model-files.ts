import type { ModelFiles } from './types';
import { saveFile } from './save-file';

/** The part of the File System Access API a folder save uses (Chromium has it; others do not). */
export interface FolderPicker {
  showDirectoryPicker(options?: { mode?: 'readwrite'; id?: string }): Promise<{
    getFileHandle(name: string, options: { create: true }): Promise<{ createWritable(): Promise<WritableStream<Uint8Array>> }>;
  }>;
}

export interface SaveHost {
  /** Where there is one, the folder picker: the model and its data file go into one chosen folder. */
  picker?: FolderPicker;
  saveFile(data: Blob, fileName: string): void;
}

/** How a model was saved: one download, a folder, separate downloads, or not at all (the picker was cancelled). */
export type SaveOutcome = 'file' | 'folder' | 'downloads' | 'cancelled';

function browserHost(): SaveHost {
  const w = globalThis as unknown as Partial<FolderPicker>;
  return { ...(typeof w.showDirectoryPicker === 'function' && { picker: w as FolderPicker }), saveFile: (data, name) => saveFile(data, name) };
}

/**
 * Saves a model under `fileName`, with its external data files (a variant past 2 GB) beside it
 * under the names its `location` entries give. With the folder picker both are streamed into the
 * folder the user picks; without one, or when writing there fails, each is its own download.
 */
export async function saveModelFiles(files: ModelFiles, fileName: string, host: SaveHost = browserHost()): Promise<SaveOutcome> {
  if (files.external.size === 0) {
    host.saveFile(files.model, fileName);
    return 'file';
  }
  const all: [string, Blob][] = [[fileName, files.model], ...files.external];
  if (host.picker) {
    try {
      const folder = await host.picker.showDirectoryPicker({ mode: 'readwrite', id: 'featherweight-models' });
      for (const [name, blob] of all) {
        const handle = await folder.getFileHandle(name, { create: true });
        await blob.stream().pipeTo(await handle.createWritable());
      }
      return 'folder';
    } catch (e) {
      if ((e as Error).name === 'AbortError') return 'cancelled';
      // A folder the browser will not let us write: the downloads below still deliver both files.
    }
  }
  for (const [name, blob] of all) host.saveFile(blob, name);
  return 'downloads';
}
