import type { Backend } from '../device/backend';

/** The report format version this code writes and the newest it reads. */
export const REPORT_VERSION = 2;

/** Marks a JSON object as a Featherweight report (a recipe or a model summary is refused early). */
export const REPORT_FORMAT = 'featherweight-report';

/** Which model the report is about: enough to tell whether a dropped file is the same one. */
export interface ReportModel {
  fileName: string;
  sizeBytes: number;
  /** 64 lowercase hex digits (sha256Hex of the .onnx bytes). */
  sha256: string;
  opsets: { domain: string; version: number }[];
  params: number;
  macs: number;
  opHistogram: Record<string, number>;
}

/** The device the figures were measured on, as far as the host told and the probe measured. */
export interface ReportDevice {
  host: 'browser' | 'node';
  logicalCores: number;
  memoryGiB?: number;
  userAgent: string;
  crossOriginIsolated: boolean;
  wasmThreads: number;
  wasm: { simd: boolean; threads: boolean; relaxedSimd: boolean };
  /** The WebGPU adapter's vendor and description, when one was granted. */
  webgpu?: string;
  /** Measured peaks per backend and thread count (absent when a figure could not be measured). */
  figures: { backend: Backend; threads: number; gflops?: number; gbps?: number }[];
}

/** Latency of one model on one backend and thread count, with its spread. */
export interface ReportLatency {
  backend: Backend;
  threads: number;
  /** Models timed in the same round ran interleaved, so their ratios are fair. */
  round?: number;
  sessionMs: number;
  firstRunMs: number;
  min: number;
  p50: number;
  p90: number;
  max: number;
  mean: number;
  /** Timed runs. */
  n: number;
  /**
   * A variant's entry only: the 95% bootstrap interval of the original's median over this one,
   * from runs interleaved with the original's (absent when the runs were not kept).
   */
  speedInterval?: { low: number; high: number };
}

/** One output of a variant against the original's on the same inputs. sqnrDb and relL2 may be Infinity. */
export interface ReportOutputMetrics {
  name: string;
  cosine: number;
  sqnrDb: number;
  maxAbs: number;
  meanAbs: number;
  relL2: number;
  top1Agreement?: number;
  top5Agreement?: number;
}

/** Fidelity on seeded random inputs, or an evaluation on the user's samples. */
export interface ReportFidelity {
  inputs: 'synthetic' | 'samples';
  samples: number;
  outputs: ReportOutputMetrics[];
}

/** Top-1 (and top-5) accuracy of both models on labelled samples, in percent. */
export interface ReportAccuracy {
  output: string;
  samples: number;
  reference: number;
  candidate: number;
  dropPoints: number;
  top5?: { reference: number; candidate: number; dropPoints: number };
}

/** One of the layers that add the most error (from the per-layer debugger). */
export interface ReportLayer {
  tensor: string;
  opType: string;
  sqnrDb: number;
  localSqnrDb: number;
}

/** What is known about one model of the comparison (the original or a variant). */
export interface ReportFigures {
  label: string;
  sizeBytes: number;
  gzipBytes?: number;
  params?: number;
  macs?: number;
  latency: ReportLatency[];
}

/** A recipe as the report keeps it: the steps and overrides with only the options that differ from the defaults. */
export interface ReportRecipe {
  steps: { method: string; options?: Record<string, ReportOptionValue> }[];
  overrides?: { nodes: string; method: string; options?: Record<string, ReportOptionValue> }[];
}

export type ReportOptionValue = string | number | boolean | (string | number | boolean)[];

export interface ReportVariant extends ReportFigures {
  /** How it was made; absent when the CLI compared a model file whose recipe it does not know. */
  recipe?: ReportRecipe;
  /** Some step's method does not run on WebGPU. */
  cpuOnly?: boolean;
  /** Against the original on seeded random inputs (the comparison's fidelity). */
  fidelity?: ReportFidelity;
  /** Against the original on the user's samples (the evaluation). */
  evaluation?: ReportFidelity;
  accuracy?: ReportAccuracy;
  /** The layers adding the most error, worst first. */
  worstLayers?: ReportLayer[];
}

/** How the comparison measured: timed runs and warm-ups per model, the fidelity inputs' seed and count. */
export interface ReportSettings {
  runs: number;
  warmup: number;
  seed: number;
  samples: number;
}

/** A comparison of a model and its compressed variants, as handed to a colleague or a CI job. */
export interface Report {
  format: typeof REPORT_FORMAT;
  version: typeof REPORT_VERSION;
  app: { name: string; version: string };
  /** ISO 8601, UTC. */
  createdAt: string;
  model: ReportModel;
  device?: ReportDevice;
  settings?: ReportSettings;
  original: ReportFigures;
  variants: ReportVariant[];
}
