import type { StateCreator } from 'zustand';
import type { ModelFiles, ModelSummary } from '../services/types';
import { toUiError, type UiError } from './ui-error';
import type { StudioState, SliceDeps } from './studio-state';

export interface LoadedModel {
  id: string;
  name: string;
  sizeBytes: number;
  externalFiles: string[];
  source: 'file' | 'sample';
}

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface ModelSlice {
  model: LoadedModel | null;
  summary: ModelSummary | null;
  loadStatus: LoadStatus;
  loadError: UiError | null;
  openFiles(files: readonly File[]): Promise<void>;
  openSample(): Promise<void>;
  dismissLoadError(): void;
}

const MODEL_EXTENSIONS = ['.onnx'];

/**
 * Picks the model among dropped files: the one .onnx file, the rest are its external data.
 * A single file of any name is tried as a model, so a wrong file gets the decoder's typed error.
 */
export function splitDroppedFiles(files: readonly File[]): ModelFiles {
  if (files.length === 0) throw new Error('No file was given; expected an .onnx model.');
  const onnx = files.filter((f) => MODEL_EXTENSIONS.some((ext) => f.name.toLowerCase().endsWith(ext)));
  if (onnx.length > 1) {
    throw new Error(`${onnx.length} .onnx files were dropped (${onnx.map((f) => f.name).join(', ')}); expected one model at a time.`);
  }
  const model = onnx[0] ?? (files.length === 1 ? files[0] : undefined);
  if (!model) {
    throw new Error(`None of the ${files.length} dropped files is an .onnx model (${files.map((f) => f.name).join(', ')}).`);
  }
  const external = new Map<string, Blob>();
  for (const f of files) if (f !== model) external.set(f.name, f);
  return { name: model.name, model, external };
}

export const createModelSlice =
  ({ services }: SliceDeps): StateCreator<StudioState, [], [], ModelSlice> =>
  (set, get) => {
    const open = async (files: ModelFiles, source: LoadedModel['source']): Promise<void> => {
      get().clearVariants();
      const previous = get().model;
      if (previous) services.registry.remove(previous.id);
      services.models.cancel();
      const id = services.registry.add(files);
      const model: LoadedModel = {
        id,
        name: files.name,
        sizeBytes: files.model.size,
        externalFiles: [...files.external.keys()],
        source,
      };
      set({ model, summary: null, loadStatus: 'loading', loadError: null });
      try {
        const summary = await services.models.analyze(id);
        if (get().model?.id === id) set({ summary, loadStatus: 'ready' });
        void get().probeBackends();
        // Samples given for the previous model are read again for this one (its input may differ).
        if (get().sampleFileNames.length > 0) void get().readSamples();
      } catch (e) {
        if (get().model?.id === id) set({ loadStatus: 'error', loadError: toUiError(e) });
      }
    };
    return {
      model: null,
      summary: null,
      loadStatus: 'idle',
      loadError: null,
      async openFiles(files) {
        let split: ModelFiles;
        try {
          split = splitDroppedFiles(files);
        } catch (e) {
          set({ loadStatus: get().summary ? 'ready' : 'error', loadError: toUiError(e) });
          return;
        }
        await open(split, 'file');
      },
      async openSample() {
        set({ loadStatus: 'loading', loadError: null });
        let file: File;
        try {
          file = await services.loadSample();
        } catch (e) {
          set({ loadStatus: 'error', loadError: toUiError(e) });
          return;
        }
        await open({ name: file.name, model: file, external: new Map() }, 'sample');
      },
      dismissLoadError() {
        set({ loadError: null });
      },
    };
  };
