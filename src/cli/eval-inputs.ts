import { dirname } from 'node:path';
import { assembleSampleSet } from '../core/evaluate/loaders/assemble-samples';
import { parseClassList, type LabelledFile, type ResolvedLabels } from '../core/evaluate/loaders/labels';
import type { SampleOptions } from '../core/evaluate/loaders/sample-set';
import type { Feeds } from '../core/evaluate/tensor-data';
import type { ModelIR } from '../core/ir/model';
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
    classList?: readonly string[];
  };
}

export interface FileInputRequest {
  command: string;
  /** The model the samples feed (its inputs, and its declared class count for labels). */
  model: ModelIR;
  /** --inputs DIR */
  folder?: string;
  /** How the command's folder flag is spelt in messages (default --inputs). */
  folderFlag?: string;
  /** --labels FILE.csv */
  labelsCsv?: string;
  /** --classes FILE */
  classesFile?: string;
  /** --label-output NAME */
  labelOutput?: string;
  options: Omit<SampleOptions, 'inputs' | 'decodeImage'>;
  signal?: AbortSignal;
}

/**
 * Reads samples for `eval` and `compress --calibration` with the core's sample assembly (the
 * workers call the same function): a folder of samples (labelled when every file lies in a class
 * subfolder), or the files a `file,label` CSV lists (in
 * --inputs DIR, else beside the CSV).
 */
export async function readFileInputs(req: FileInputRequest): Promise<FileInputs> {
  const folderPath = req.folder ?? dirname(req.labelsCsv!);
  const folder = readSampleFolder(folderPath, req.command, req.folder !== undefined ? (req.folderFlag ?? '--inputs') : 'the labels folder');
  const classList = req.classesFile !== undefined ? parseClassList(readInputFile(req.classesFile, req.command), req.classesFile) : undefined;
  const csvPath = req.labelsCsv;
  const set = await assembleSampleSet(
    req.model,
    {
      files: folder.sources,
      labelsCsv: csvPath === undefined ? 'none' : { path: csvPath, read: async () => readInputFile(csvPath, req.command) },
      classes: classList ? { mode: 'list', names: classList } : { mode: 'auto' },
      root: { name: `folder '${folderPath}'`, source: folderPath },
      ...(req.labelOutput !== undefined && { labelOutput: req.labelOutput }),
    },
    { ...req.options, decodeImage: decodeImageNode, ...(req.signal && { signal: req.signal }) },
  );
  return { folder: folderPath, files: set.info.files, samples: set.samples, ignored: set.info.ignored, ...(set.labelling && { labelled: set.labelling }) };
}
