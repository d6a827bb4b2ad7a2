import type { StudioState } from './studio-state';
import type { UiError } from './ui-error';
import type { InterruptedJob } from './workspace-manifest';

/** One entry of the page's error list: where it came from, the error, and how to act on it. */
export interface ErrorItem {
  /** Stable per source, e.g. `load`, `measure:<id>`. */
  key: string;
  /** What it concerns, shown before the message: `Opening a model`, `int4 · measurement`. */
  source: string;
  error: UiError;
  /** How a dismissal clears it: a store action, the page's own state, or hidden from the list only. */
  dismiss?: 'load' | 'storage' | 'page' | 'hide';
}

/** The store fields the error list reads (select them with useShallow, then build the items). */
export type ErrorSources = Pick<
  StudioState,
  'loadError' | 'storageError' | 'compressStatus' | 'compressError' | 'measurements' | 'model' | 'variants' | 'samplesError' | 'evalStatus' | 'evalError' | 'perLayerStatus' | 'perLayerError' | 'interrupted'
>;

export const pickErrorSources = (s: StudioState): ErrorSources => ({
  loadError: s.loadError,
  storageError: s.storageError,
  compressStatus: s.compressStatus,
  compressError: s.compressError,
  measurements: s.measurements,
  model: s.model,
  variants: s.variants,
  samplesError: s.samplesError,
  evalStatus: s.evalStatus,
  evalError: s.evalError,
  perLayerStatus: s.perLayerStatus,
  perLayerError: s.perLayerError,
  interrupted: s.interrupted,
});

/** Every error the page shows, in one list: opening, storage, compression, each model's measurement, samples, evaluation. */
export function errorItems(s: ErrorSources): ErrorItem[] {
  const items: ErrorItem[] = [];
  if (s.loadError) items.push({ key: 'load', source: 'Opening a model', error: s.loadError, dismiss: 'load' });
  if (s.storageError) items.push({ key: 'storage', source: 'Saving on this device', error: s.storageError, dismiss: 'storage' });
  if (s.compressStatus === 'error' && s.compressError) items.push({ key: 'compress', source: 'Compression', error: s.compressError });
  if (s.model) {
    const labels = new Map<string, string>([[s.model.id, 'the original'], ...s.variants.map((v): [string, string] => [v.id, v.label])]);
    for (const [id, label] of labels) {
      const m = s.measurements[id];
      if (m?.status === 'error' && m.error) items.push({ key: `measure:${id}`, source: `${label} · measurement`, error: m.error });
    }
  }
  if (s.samplesError) items.push({ key: 'samples', source: 'Your samples', error: s.samplesError });
  if (s.evalStatus === 'error' && s.evalError) items.push({ key: 'evaluate', source: 'Evaluation', error: s.evalError });
  if (s.perLayerStatus === 'error' && s.perLayerError) items.push({ key: 'per-layer', source: 'Per-layer error', error: s.perLayerError });
  return items;
}

export type { InterruptedJob };
