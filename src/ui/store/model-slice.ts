import type { StateCreator } from 'zustand';
import type { ModelFiles, ModelSummary } from '../services/types';
import { toUiError, type UiError } from './ui-error';
import type { SliceDeps } from './store-deps';

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
  /** The model among dropped files, or null after showing why there is none (the open model stays). */
  pickModelFiles(files: readonly File[]): ModelFiles | null;
  /** Downloads the bundled sample model; null after showing why it failed, or when a newer open superseded it. */
  fetchSample(): Promise<ModelFiles | null>;
  /**
   * Makes `files` the open model in place of the previous one (whose bytes leave the registry) and
   * analyzes it; true once its summary is shown. Opening another model aborts this one's analysis.
   */
  loadModel(files: ModelFiles, source: LoadedModel['source']): Promise<boolean>;
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
  ({ services }: SliceDeps): StateCreator<ModelSlice, [], [], ModelSlice> =>
  (set, get) => {
    /** Aborts the sample download or the analysis of the model being opened. */
    let opening: AbortController | null = null;
    const nextOpening = (): AbortSignal => {
      opening?.abort();
      opening = new AbortController();
      return opening.signal;
    };
    return {
      model: null,
      summary: null,
      loadStatus: 'idle',
      loadError: null,
      pickModelFiles(files) {
        try {
          return splitDroppedFiles(files);
        } catch (e) {
          set({ loadStatus: get().summary ? 'ready' : 'error', loadError: toUiError(e) });
          return null;
        }
      },
      async fetchSample() {
        const signal = nextOpening();
        set({ loadStatus: 'loading', loadError: null });
        try {
          const file = await services.loadSample(signal);
          return signal.aborted ? null : { name: file.name, model: file, external: new Map() };
        } catch (e) {
          const error = toUiError(e);
          if (!signal.aborted) set({ loadStatus: 'error', loadError: error });
          return null;
        }
      },
      async loadModel(files, source) {
        const signal = nextOpening();
        const previous = get().model;
        if (previous) services.registry.remove(previous.id);
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
          const summary = await services.models.analyze(signal, id);
          if (get().model?.id !== id) return false;
          set({ summary, loadStatus: 'ready' });
          return true;
        } catch (e) {
          if (get().model?.id === id) set({ loadStatus: 'error', loadError: toUiError(e) });
          return false;
        }
      },
      dismissLoadError() {
        set({ loadError: null });
      },
    };
  };
