import { graphInputSpecs, graphOutputSpecs, type IOSpecLike } from '../src/core/evaluate/io-spec';
import type { LoadedSampleSet, SampleSetInfo } from '../src/core/evaluate/loaders/sample-set-info';
import { loadLabelledSamples } from '../src/core/evaluate/loaders/labelled-set';
import { assertNoUnknownLabels, labelsFromFolders, parseLabelCsv, resolveLabels, type LabelledFile } from '../src/core/evaluate/loaders/labels';
import { SampleFormatError } from '../src/core/evaluate/loaders/sample-error';
import { loadSamples, sampleKindOf, type ImageDecoder, type SampleSource } from '../src/core/evaluate/loaders/sample-set';
import { outputLayout } from '../src/core/evaluate/output-kind';
import type { Feeds } from '../src/core/evaluate/tensor-data';
import type { ModelIR } from '../src/core/ir/model';
import type { LongCallOptions } from '../src/core/util/progress';
import type { SampleFile, SampleRequest } from './eval-api';

export type { SampleFile, SampleRequest } from './eval-api';

const CSV = /\.csv$/i;

function hidden(path: string): boolean {
  return path.split('/').some((part) => part.startsWith('.') || part === '__MACOSX');
}

/** The first output declared classifier-shaped with a fixed class count, if any. */
function declaredClassifier(model: ModelIR): { name: string; classes: number } | undefined {
  for (const spec of graphOutputSpecs(model)) {
    if (!spec.shape) continue;
    const dims = spec.shape.map((d) => (typeof d === 'number' && d > 0 ? d : 1));
    const layout = outputLayout(dims);
    const classes = spec.shape[layout.classAxis ?? -1];
    if (layout.kind === 'classifier' && typeof classes === 'number' && classes > 1) return { name: spec.name, classes };
  }
  return undefined;
}

function shapesOf(samples: readonly Feeds[], inputs: readonly IOSpecLike[]): Record<string, number[][]> {
  const out: Record<string, number[][]> = {};
  for (const spec of inputs) {
    const seen = new Map<string, number[]>();
    for (const s of samples) {
      const dims = s[spec.name]?.dims;
      if (dims) seen.set(dims.join('x'), dims);
    }
    out[spec.name] = [...seen.values()];
  }
  return out;
}

/** The labelled files of the set: from a `file,label` CSV (paths relative to its folder), or from class folders. */
async function labelEntries(files: readonly SampleFile[], sources: readonly SampleSource[]): Promise<{ source: string; entries: LabelledFile[]; prefix: string } | undefined> {
  const csvs = files.filter((f) => CSV.test(f.path));
  if (csvs.length > 1) throw new SampleFormatError(csvs[1]!.path, `is a second labels CSV (the first is '${csvs[0]!.path}'); expected one file,label CSV per set.`);
  const csv = csvs[0];
  if (csv) {
    const prefix = csv.path.includes('/') ? csv.path.slice(0, csv.path.lastIndexOf('/') + 1) : '';
    const entries = parseLabelCsv(new Uint8Array(await csv.blob.arrayBuffer()), csv.path).map((e) => ({ ...e, file: prefix + e.file }));
    return { source: csv.path, entries, prefix };
  }
  const paths = sources.filter((s) => sampleKindOf(s.path) !== undefined).map((s) => s.path);
  if (paths.length > 0 && paths.every((p) => p.includes('/'))) return { source: 'class folders', entries: labelsFromFolders(paths, 'dropped folder'), prefix: '' };
  return undefined;
}

/**
 * Reads the user's sample files into the model's feeds with the core loaders: each image, WAV,
 * .npy or JSON array one sample of a single-input model, each .npz one sample with an array per
 * input. A `file,label` CSV among the files, or files that all lie in subfolders (a folder per
 * class), label the set; an unknown label is a SampleFormatError naming it, never a skipped file.
 */
export async function readSampleSet(model: ModelIR, request: SampleRequest, decodeImage: ImageDecoder, options: LongCallOptions = {}): Promise<LoadedSampleSet> {
  const inputs = graphInputSpecs(model);
  const { settings } = request;
  const files = request.files.filter((f) => !hidden(f.path)).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const sources: SampleSource[] = files.filter((f) => !CSV.test(f.path)).map((f) => ({ path: f.path, read: async () => new Uint8Array(await f.blob.arrayBuffer()) }));
  const loadOptions = {
    inputs,
    image: settings.image,
    decodeImage,
    ...(settings.sampleRate !== undefined && { sampleRate: settings.sampleRate }),
    ...options,
  };
  const kinds = (paths: readonly string[]): SampleSetInfo['kinds'] => {
    const out: SampleSetInfo['kinds'] = {};
    for (const p of paths) {
      const k = sampleKindOf(p);
      if (k) out[k] = (out[k] ?? 0) + 1;
    }
    return out;
  };
  const labelled = await labelEntries(files, sources);
  if (!labelled) {
    const loaded = await loadSamples(sources, loadOptions);
    return { samples: loaded.samples, info: { count: loaded.samples.length, files: loaded.files, ignored: loaded.ignored, kinds: kinds(loaded.files), shapes: shapesOf(loaded.samples, inputs) } };
  }
  const classifier = declaredClassifier(model);
  const classList = settings.classes.mode === 'list' ? settings.classes.names : undefined;
  const resolved = resolveLabels(labelled.entries, classList, classifier?.classes);
  assertNoUnknownLabels(resolved, labelled.source, classifier?.classes);
  const loaded = await loadLabelledSamples(sources, labelled.entries, resolved, labelled.source, loadOptions);
  const listed = new Set(labelled.entries.map((e) => e.file));
  const counts = new Map<string, { label: string; index: number; count: number }>();
  labelled.entries.forEach((e, i) => {
    const c = counts.get(e.label) ?? { label: e.label, index: resolved.indices[i]!, count: 0 };
    c.count += 1;
    counts.set(e.label, c);
  });
  return {
    samples: loaded.samples,
    labels: loaded.labels,
    info: {
      count: loaded.samples.length,
      files: loaded.files,
      ignored: sources.map((s) => s.path).filter((p) => !listed.has(p)),
      kinds: kinds(loaded.files),
      shapes: shapesOf(loaded.samples, inputs),
      labelled: {
        source: labelled.source,
        mapping: resolved.mapping,
        classes: [...counts.values()].sort((a, b) => a.index - b.index),
        ...(classifier && { output: classifier.name, classCount: classifier.classes }),
      },
    },
  };
}
