import type { Feeds } from '../tensor-data';
import type { ResolvedLabels } from './labels';
import type { SampleKind } from './sample-set';

/** What the studio shows of a sample set; no tensor data. */
export interface SampleSetInfo {
  count: number;
  files: string[];
  /** Files that are not samples (reported, not silently dropped). */
  ignored: string[];
  /** Samples per kind, e.g. { image: 12 }. */
  kinds: Partial<Record<SampleKind, number>>;
  /** Per model input, the distinct shapes the samples fill it with. */
  shapes: Record<string, number[][]>;
  labelled?: {
    /** 'class folders' or the CSV's path. */
    source: string;
    mapping: ResolvedLabels['mapping'];
    /** Label as written -> output index, with the sample count per label, in index order. */
    classes: { label: string; index: number; count: number }[];
    /** The classifier output the labels index into, when the model declares one. */
    output?: string;
    classCount?: number;
  };
}

export interface LoadedSampleSet {
  samples: Feeds[];
  /** Output index per sample, when labelled. */
  labels?: number[];
  info: SampleSetInfo;
}
