import type { LongCallOptions } from '../../util/progress';
import type { Feeds } from '../tensor-data';
import type { LabelledFile, ResolvedLabels } from './labels';
import { SampleFormatError } from './sample-error';
import { loadSamples, type SampleOptions, type SampleSource } from './sample-set';

/** Labelled samples ready to run: feeds and output index per sample, in the labels' order. */
export interface LabelledSamples {
  files: string[];
  samples: Feeds[];
  labels: number[];
}

/**
 * Loads the files that `entries` label from the samples folder. A labelled file missing from the
 * folder is an error naming the labels file; an unknown label must have been dealt with before
 * (assertNoUnknownLabels), so every index here is valid.
 */
export async function loadLabelledSamples(
  sources: readonly SampleSource[],
  entries: readonly LabelledFile[],
  resolved: ResolvedLabels,
  labelsFile: string,
  options: SampleOptions & LongCallOptions,
): Promise<LabelledSamples> {
  const byPath = new Map(sources.map((s) => [s.path, s]));
  const missing = entries.filter((e) => !byPath.has(e.file));
  if (missing.length > 0) {
    const shown = missing.slice(0, 5).map((m) => `'${m.file}'`).join(', ');
    throw new SampleFormatError(labelsFile, `lists ${missing.length} file${missing.length === 1 ? '' : 's'} not in the samples folder: ${shown}${missing.length > 5 ? ', ...' : ''}.`);
  }
  const bad = resolved.indices.findIndex((i) => i < 0);
  if (bad >= 0) throw new SampleFormatError(labelsFile, `'${entries[bad]!.label}' (${entries[bad]!.file}) has no output index.`);
  const loaded = await loadSamples(entries.map((e) => byPath.get(e.file)!), options);
  if (loaded.ignored.length > 0) {
    throw new SampleFormatError(labelsFile, `labels '${loaded.ignored[0]}', which is not a sample type; expected images, WAV, .npy, .npz or .json files.`);
  }
  return { files: loaded.files, samples: loaded.samples, labels: [...resolved.indices] };
}
