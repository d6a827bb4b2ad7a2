import type { StateCreator } from 'zustand';
import type { ClassMapping, DroppedFile, SampleSetInfo, SampleSettings } from '../services/types';
import type { OptionValue } from './recipe';
import { defaultSampleForm, editSampleForm, sampleSettings, type SampleForm } from './sample-settings';
import { isAbort, toUiError, type UiError } from './ui-error';
import { IDLE_PROGRESS as IDLE, progressView, type JobProgress } from './job-progress';
import type { ModelSlice } from './model-slice';
import type { SliceDeps } from './store-deps';

export type SamplesStatus = 'none' | 'queued' | 'reading' | 'ready' | 'error';

export interface SamplesSlice {
  /** Paths of the files the user gave (the Files themselves stay in services.sampleFiles). */
  sampleFileNames: string[];
  sampleForm: SampleForm;
  classMode: ClassMapping['mode'];
  /** The class list as typed: names in output index order. */
  classText: string;
  samplesStatus: SamplesStatus;
  samplesProgress: JobProgress;
  /** What the worker read: count, shapes, labels. Null until read (or after an error). */
  samplesInfo: SampleSetInfo | null;
  samplesError: UiError | null;
  /** Replaces the sample set with dropped or picked files and reads them in the worker. */
  addSamples(files: readonly DroppedFile[]): Promise<void>;
  clearSamples(): void;
  setSampleOption(key: string, value: OptionValue): void;
  setClassMapping(mode: ClassMapping['mode'], text?: string): void;
  /** Reads the samples again with the current settings (also after a new model is opened). */
  readSamples(): Promise<void>;
}

/** The settings the workers read the samples with, when samples are loaded and read; null otherwise. */
export function selectSampleSettings(s: Pick<SamplesSlice, 'samplesStatus' | 'samplesInfo' | 'sampleForm' | 'classMode' | 'classText'>): SampleSettings | null {
  if (s.samplesStatus !== 'ready' || !s.samplesInfo || s.samplesInfo.count === 0) return null;
  try {
    return sampleSettings(s.sampleForm, s.classMode, s.classText);
  } catch {
    return null;
  }
}

/** What the samples slice reads besides its own state: the open model the samples are read for. */
type SamplesReads = SamplesSlice & Pick<ModelSlice, 'model'>;

export const createSamplesSlice =
  ({ services, jobs }: SliceDeps): StateCreator<SamplesReads, [], [], SamplesSlice> =>
  (set, get) => {
    /** Bumped by every change: a read finding it changed leaves its result unused. */
    let generation = 0;
    /** A read is queued and has not started: later changes ride on it (it reads the latest settings when it starts). */
    let waiting = false;
    /** Aborts the read in the bench worker when the set it reads is replaced or removed. */
    let reading: AbortController | null = null;
    const stopReading = (): void => {
      reading?.abort();
      reading = null;
    };

    const read = async (): Promise<void> => {
      const model = get().model;
      if (!model || get().sampleFileNames.length === 0) return;
      let settings: SampleSettings;
      try {
        settings = sampleSettings(get().sampleForm, get().classMode, get().classText);
      } catch (e) {
        generation += 1;
        set({ samplesStatus: 'error', samplesError: toUiError(e), samplesInfo: null, samplesProgress: IDLE });
        return;
      }
      if (waiting) return;
      waiting = true;
      set({ samplesStatus: jobs.size > 0 ? 'queued' : 'reading', samplesError: null, samplesProgress: { fraction: null, label: 'Reading samples' } });
      await jobs.run(async () => {
        waiting = false;
        const mine = (generation += 1);
        // Settings may have changed while queued: read with the latest.
        try {
          settings = sampleSettings(get().sampleForm, get().classMode, get().classText);
        } catch (e) {
          set({ samplesStatus: 'error', samplesError: toUiError(e), samplesInfo: null, samplesProgress: IDLE });
          return;
        }
        const current = get().model;
        if (!current || get().sampleFileNames.length === 0) return;
        set({ samplesStatus: 'reading' });
        const controller = (reading = new AbortController());
        try {
          const info = await services.evaluation.inspectSamples(controller.signal, current.id, settings, (p) => {
            if (mine === generation) set({ samplesProgress: progressView(get().samplesProgress, p) });
          });
          if (mine !== generation || get().model?.id !== current.id) return;
          if (info.count === 0) {
            const shown = info.ignored.slice(0, 5).join(', ');
            set({
              samplesStatus: 'error',
              samplesInfo: null,
              samplesProgress: IDLE,
              samplesError: { name: 'SampleFormatError', message: `None of the ${info.ignored.length} files is a sample (${shown}); expected images (PNG, JPEG, WebP), .wav, .npy, .npz or .json files.` },
            });
            return;
          }
          set({ samplesStatus: 'ready', samplesInfo: info, samplesProgress: IDLE });
        } catch (e) {
          const error = toUiError(e);
          if (mine !== generation) return;
          set(isAbort(error) ? { samplesStatus: 'none', samplesInfo: null, samplesProgress: IDLE } : { samplesStatus: 'error', samplesError: error, samplesInfo: null, samplesProgress: IDLE });
        }
      });
    };

    return {
      sampleFileNames: [],
      sampleForm: defaultSampleForm(),
      classMode: 'auto',
      classText: '',
      samplesStatus: 'none',
      samplesProgress: IDLE,
      samplesInfo: null,
      samplesError: null,
      async addSamples(files) {
        generation += 1;
        stopReading();
        services.sampleFiles.set(files);
        set({ sampleFileNames: files.map((f) => f.path), samplesInfo: null, samplesError: null });
        if (files.length === 0) {
          set({ samplesStatus: 'error', samplesError: { name: 'SampleFormatError', message: 'The drop held no files; expected sample files or a folder of them.' } });
          return;
        }
        await read();
      },
      clearSamples() {
        generation += 1;
        stopReading();
        services.sampleFiles.set([]);
        set({ sampleFileNames: [], samplesInfo: null, samplesError: null, samplesStatus: 'none', samplesProgress: IDLE });
      },
      setSampleOption(key, value) {
        set({ sampleForm: editSampleForm(get().sampleForm, key, value) });
        void read();
      },
      setClassMapping(mode, text) {
        set({ classMode: mode, ...(text !== undefined && { classText: text }) });
        void read();
      },
      readSamples: read,
    };
  };
