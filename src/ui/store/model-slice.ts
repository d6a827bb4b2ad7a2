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

/** A model whose summary was read but which is not open yet (see prepareModel). */
export interface PreparedModel {
  model: LoadedModel;
  summary: ModelSummary;
}

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface ModelSlice {
  model: LoadedModel | null;
  summary: ModelSummary | null;
  loadStatus: LoadStatus;
  loadError: UiError | null;
  /** The name of the model being read while `loadStatus` is 'loading' (the open one, if any, stays). */
  opening: string | null;
  /** The model among dropped files, or null after showing why there is none (the open model stays). */
  pickModelFiles(files: readonly File[]): ModelFiles | null;
  /** Downloads the bundled sample model; null after showing why it failed, or when a newer open superseded it. */
  fetchSample(): Promise<ModelFiles | null>;
  /**
   * Analyzes `files` as the next model while the open one stays as it is: the candidate (its bytes
   * registered) once its summary is read, or null after showing why not (its bytes leave the registry
   * again, and the open model and its workspace are untouched). A newer open aborts this one's analysis.
   */
  prepareModel(files: ModelFiles, source: LoadedModel['source']): Promise<PreparedModel | null>;
  /** Makes a prepared model the open one in place of the previous one (whose bytes leave the registry). */
  commitModel(prepared: PreparedModel): void;
  /** Analyzes `files` and makes them the open model: prepareModel then commitModel; true once its summary is shown. */
  loadModel(files: ModelFiles, source: LoadedModel['source']): Promise<boolean>;
  /** Closes the open model (its bytes leave the registry); the page goes back to the start. */
  closeModel(): void;
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
      opening: null,
      pickModelFiles(files) {
        try {
          return splitDroppedFiles(files);
        } catch (e) {
          set({ opening: null, loadStatus: get().summary ? 'ready' : 'error', loadError: toUiError(e) });
          return null;
        }
      },
      async fetchSample() {
        const signal = nextOpening();
        set({ opening: 'the sample model', loadStatus: 'loading', loadError: null });
        try {
          const file = await services.loadSample(signal);
          return signal.aborted ? null : { name: file.name, model: file, external: new Map() };
        } catch (e) {
          const error = toUiError(e);
          if (!signal.aborted) set({ opening: null, loadStatus: get().summary ? 'ready' : 'error', loadError: error });
          return null;
        }
      },
      async prepareModel(files, source) {
        const signal = nextOpening();
        const id = services.registry.add(files);
        const model: LoadedModel = {
          id,
          name: files.name,
          sizeBytes: files.model.size,
          externalFiles: [...files.external.keys()],
          source,
        };
        set({ opening: model.name, loadStatus: 'loading', loadError: null });
        try {
          const summary = await services.models.analyze(signal, id);
          if (signal.aborted) {
            services.registry.remove(id);
            return null;
          }
          return { model, summary };
        } catch (e) {
          services.registry.remove(id);
          // The open model, if any, stays open and ready: only the error is new.
          if (!signal.aborted) set({ opening: null, loadStatus: get().summary ? 'ready' : 'error', loadError: toUiError(e) });
          return null;
        }
      },
      commitModel({ model, summary }) {
        const previous = get().model;
        if (previous && previous.id !== model.id) services.registry.remove(previous.id);
        set({ model, summary, opening: null, loadStatus: 'ready', loadError: null });
      },
      async loadModel(files, source) {
        const prepared = await get().prepareModel(files, source);
        if (!prepared) return false;
        get().commitModel(prepared);
        return true;
      },
      closeModel() {
        opening?.abort();
        const previous = get().model;
        if (previous) services.registry.remove(previous.id);
        set({ model: null, summary: null, opening: null, loadStatus: 'idle', loadError: null });
      },
      dismissLoadError() {
        set({ loadError: null });
      },
    };
  };
