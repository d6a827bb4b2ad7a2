import { dirname } from 'node:path';
import type { IOSpecLike } from '../core/evaluate/io-spec';
import {
  assertNoUnknownLabels,
  labelsFromFolders,
  parseClassList,
  parseLabelCsv,
  resolveLabels,
  type LabelledFile,
  type ResolvedLabels,
} from '../core/evaluate/loaders/labels';
import { loadLabelledSamples } from '../core/evaluate/loaders/labelled-set';
import { loadSamples, type SampleOptions } from '../core/evaluate/loaders/sample-set';
import type { Feeds } from '../core/evaluate/tensor-data';
import { decodeImageNode } from './image-decoder';
import { readInputFile } from './model-file';
import { readSampleFolder } from './sample-files';

/** Samples read from files, with labels when the set is labelled. */
export interface FileInputs {
  folder: string;
  files: string[];
  samples: Feeds[];
  /** Files in the folder that are not samples (reported, not silently dropped). */
  ignored: string[];
  labelled?: {
    /** The CSV, or the folder itself for a folder per class. */
    source: string;
    entries: LabelledFile[];
    resolved: ResolvedLabels;
    classList?: string[];
  };
}

export interface FileInputRequest {
  command: string;
  inputs: readonly IOSpecLike[];
  /** --inputs DIR */
  folder?: string;
  /** How the command's folder flag is spelt in messages (default --inputs). */
  folderFlag?: string;
  /** --labels FILE.csv */
  labelsCsv?: string;
  /** --classes FILE */
  classesFile?: string;
  options: Omit<SampleOptions, 'inputs' | 'decodeImage'>;
  signal?: AbortSignal;
}

/**
 * Reads samples for `eval`: a folder of samples (labelled when every file lies in a class
 * subfolder), or the files a `file,label` CSV lists (in --inputs DIR, else beside the CSV).
 */
export async function readFileInputs(req: FileInputRequest): Promise<FileInputs> {
  const folderPath = req.folder ?? dirname(req.labelsCsv!);
  const folder = readSampleFolder(folderPath, req.command, req.folder !== undefined ? (req.folderFlag ?? '--inputs') : 'the labels folder');
  const options: SampleOptions = { ...req.options, inputs: req.inputs, decodeImage: decodeImageNode, ...(req.signal && { signal: req.signal }) };
  const classList = req.classesFile !== undefined ? parseClassList(readInputFile(req.classesFile, req.command), req.classesFile) : undefined;

  let entries: LabelledFile[] | undefined;
  let source = folderPath;
  if (req.labelsCsv !== undefined) {
    entries = parseLabelCsv(readInputFile(req.labelsCsv, req.command), req.labelsCsv);
    source = req.labelsCsv;
  } else if (folder.classFolders) {
    entries = labelsFromFolders(folder.sources.map((s) => s.path), `folder '${folderPath}'`);
  }
  if (!entries) {
    const loaded = await loadSamples(folder.sources, options);
    return { folder: folderPath, ...loaded };
  }
  const resolved = resolveLabels(entries, classList);
  assertNoUnknownLabels(resolved, source);
  const loaded = await loadLabelledSamples(folder.sources, entries, resolved, source, options);
  const listed = new Set(entries.map((e) => e.file));
  const ignored = folder.sources.map((s) => s.path).filter((p) => !listed.has(p));
  return { folder: folderPath, files: loaded.files, samples: loaded.samples, ignored, labelled: { source, entries, resolved, ...(classList && { classList }) } };
}
