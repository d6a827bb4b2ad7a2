import type { ModelIR } from '../../ir/model';
import type { LongCallOptions } from '../../util/progress';
import { graphInputSpecs, graphOutputSpecs, type IOSpecLike } from '../io-spec';
import { outputLayout } from '../output-kind';
import type { Feeds } from '../tensor-data';
import { loadLabelledSamples } from './labelled-set';
import { assertNoUnknownLabels, labelsFromFolders, parseLabelCsv, resolveLabels, type LabelledFile, type ResolvedLabels } from './labels';
import { SampleFormatError } from './sample-error';
import type { LoadedSampleSet, SampleSetInfo } from './sample-set-info';
import { loadSamples, sampleKindOf, type SampleOptions, type SampleSource } from './sample-set';
import type { ClassMapping } from './sample-settings';

/** What to read: every file of the set (as the host lists them) and how labels are found. */
export interface SampleSetRequest {
  /** Paths '/'-separated and relative to the set's root; hidden files and `__MACOSX` folders are skipped here. */
  files: readonly SampleSource[];
  /**
   * Where a `file,label` CSV comes from: given apart from the files (the CLI's --labels; its paths
   * relative to the root), looked for among them ('among-files', the studio's drop: a single
   * `.csv`, its paths relative to its folder), or nowhere ('none': a CSV is just a file that is not
   * a sample). Without a CSV, files that all lie in subfolders are labelled by their folder.
   */
  labelsCsv: SampleSource | 'among-files' | 'none';
  classes: ClassMapping;
  /** How the set's root is named: in errors ('dropped folder') and as the source of class-folder labels. */
  root: { name: string; source: string };
  /** The output labels index into; default the first output the model declares classifier-shaped. */
  labelOutput?: string;
}

/** A loaded set, with the labels as read so a host can resolve them again once the output's class count is known. */
export interface AssembledSampleSet extends LoadedSampleSet {
  labelling?: { source: string; entries: LabelledFile[]; resolved: ResolvedLabels; classList?: readonly string[] };
}

const CSV = /\.csv$/i;

/** Files no one means as samples: dot-files and folders, and the `__MACOSX` folder macOS zips carry. */
export function isHiddenSamplePath(path: string): boolean {
  return path.split('/').some((part) => part.startsWith('.') || part === '__MACOSX');
}

const byPath = (a: SampleSource, b: SampleSource): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** The output declared classifier-shaped with a fixed class count (`name`, else the first such), if any. */
function declaredClassifier(model: ModelIR, name: string | undefined): { name: string; classes: number } | undefined {
  for (const spec of graphOutputSpecs(model)) {
    if (!spec.shape || (name !== undefined && spec.name !== name)) continue;
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

function kindsOf(paths: readonly string[]): SampleSetInfo['kinds'] {
  const out: SampleSetInfo['kinds'] = {};
  for (const p of paths) {
    const k = sampleKindOf(p);
    if (k) out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

/** The labelled files of the set: from the given CSV, a CSV among the files, or class folders; undefined when unlabelled. */
async function labelEntries(request: SampleSetRequest, files: readonly SampleSource[], sources: readonly SampleSource[]): Promise<{ source: string; entries: LabelledFile[] } | undefined> {
  const given = request.labelsCsv;
  if (typeof given === 'object') return { source: given.path, entries: parseLabelCsv(await given.read(), given.path) };
  const csvs = given === 'among-files' ? files.filter((f) => CSV.test(f.path)) : [];
  if (csvs.length > 1) throw new SampleFormatError(csvs[1]!.path, `is a second labels CSV (the first is '${csvs[0]!.path}'); expected one file,label CSV per set.`);
  const csv = csvs[0];
  if (csv) {
    const prefix = csv.path.includes('/') ? csv.path.slice(0, csv.path.lastIndexOf('/') + 1) : '';
    return { source: csv.path, entries: parseLabelCsv(await csv.read(), csv.path).map((e) => ({ ...e, file: prefix + e.file })) };
  }
  const paths = sources.filter((s) => sampleKindOf(s.path) !== undefined).map((s) => s.path);
  if (paths.length > 0 && paths.every((p) => p.includes('/'))) return { source: request.root.source, entries: labelsFromFolders(paths, request.root.name) };
  return undefined;
}

/**
 * The one way a set of sample files becomes model inputs, for the workers and the CLI alike:
 * hidden files skipped, paths sorted, each image, WAV, .npy or JSON array one sample of a
 * single-input model, each .npz one sample with an array per input. A `file,label` CSV or a
 * folder per class labels the set; labels resolve to output indices by the class list, or the
 * core's rule, bounded by the model's declared class count. An unknown label is a
 * SampleFormatError naming it, never a skipped file. The host injects how files are read
 * (`files`) and how images decode (`options.decodeImage`).
 */
export async function assembleSampleSet(
  model: ModelIR,
  request: SampleSetRequest,
  options: Omit<SampleOptions, 'inputs'> & LongCallOptions,
): Promise<AssembledSampleSet> {
  const inputs = graphInputSpecs(model);
  const files = request.files.filter((f) => !isHiddenSamplePath(f.path)).sort(byPath);
  // A labels CSV is never a sample; where none is looked for, a .csv is reported as a file that is not one.
  const sources = request.labelsCsv === 'none' ? files : files.filter((f) => !CSV.test(f.path));
  const loadOptions = { ...options, inputs };
  const labelled = await labelEntries(request, files, sources);
  if (!labelled) {
    const loaded = await loadSamples(sources, loadOptions);
    return { samples: loaded.samples, info: { count: loaded.samples.length, files: loaded.files, ignored: loaded.ignored, kinds: kindsOf(loaded.files), shapes: shapesOf(loaded.samples, inputs) } };
  }
  const classifier = declaredClassifier(model, request.labelOutput);
  const classList = request.classes.mode === 'list' ? request.classes.names : undefined;
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
      kinds: kindsOf(loaded.files),
      shapes: shapesOf(loaded.samples, inputs),
      labelled: {
        source: labelled.source,
        mapping: resolved.mapping,
        classes: [...counts.values()].sort((a, b) => a.index - b.index),
        ...(classifier && { output: classifier.name, classCount: classifier.classes }),
      },
    },
    labelling: { source: labelled.source, entries: labelled.entries, resolved, ...(classList && { classList }) },
  };
}
