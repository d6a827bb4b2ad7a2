import * as v from 'valibot';
import { REPORT_FORMAT, REPORT_VERSION } from './report-types';

/**
 * The JSON form of a version-2 report, with bounds on every number, string and list: a report
 * arrives from a link anyone can write, so nothing absurd gets through to the views. Infinite
 * values (an SQNR of identical outputs) travel as the strings "Infinity" and "-Infinity" since
 * JSON has no such numbers; the parsed output holds them as numbers again.
 */

/** Bounds, named so the error messages and the tests use the same figures. */
export const REPORT_LIMITS = {
  variants: 64,
  latencyEntries: 16,
  outputs: 64,
  worstLayers: 20,
  opTypes: 512,
  opsets: 32,
  recipeSteps: 32,
  overrides: 64,
  options: 64,
  listOption: 64,
  figures: 16,
  shortText: 64,
  name: 256,
  label: 200,
  fileName: 260,
  userAgent: 512,
  /** 1 TB: more than any model a browser could open. */
  maxBytes: 1e12,
  maxCount: 1e15,
  maxMacs: 1e18,
  /** About 2.8 hours for one run. */
  maxMs: 1e7,
  maxRuns: 1e6,
  /** Beyond float32's range, which model outputs live in. */
  maxMagnitude: 1e39,
  maxDb: 1000,
} as const;

const L = REPORT_LIMITS;

const text = (max: number) => v.pipe(v.string(), v.maxLength(max, `expected at most ${max} characters`));
const nonEmptyText = (max: number) => v.pipe(v.string(), v.minLength(1, 'expected a non-empty string'), v.maxLength(max, `expected at most ${max} characters`));
const count = (max: number) => v.pipe(v.number(), v.integer('expected a whole number'), v.minValue(0, 'expected 0 or more'), v.maxValue(max, `expected at most ${max}`));
const range = (min: number, max: number) => v.pipe(v.number(), v.finite('expected a finite number'), v.minValue(min, `expected at least ${min}`), v.maxValue(max, `expected at most ${max}`));
const list = <T extends v.GenericSchema>(item: T, max: number) => v.pipe(v.array(item), v.maxLength(max, `expected at most ${max} entries`));
const optionalList = <T extends v.GenericSchema>(item: T, max: number) => v.optional(list(item, max));

/** A number that may also be "Infinity"/"-Infinity" in the JSON; always a number once parsed. */
const extended = (min: number, max: number) =>
  v.union(
    [
      range(min, max),
      v.pipe(
        v.picklist(['Infinity', '-Infinity']),
        v.transform((s) => (s === 'Infinity' ? Infinity : -Infinity)),
      ),
    ],
    `expected a number from ${min} to ${max}, "Infinity" or "-Infinity"`,
  );

const backend = v.picklist(['wasm', 'webgpu'], 'expected "wasm" or "webgpu"');
const threads = v.pipe(v.number(), v.integer('expected a whole number'), v.minValue(1, 'expected at least 1'), v.maxValue(1024, 'expected at most 1024'));
const ms = range(0, L.maxMs);
const percent = range(0, 100);
const points = range(-100, 100);
/** Cosine similarity, allowing float rounding just past ±1. */
const cosine = range(-1.0001, 1.0001);
const share = range(0, 1);

const optionValue = v.union(
  [v.boolean(), range(-L.maxMagnitude, L.maxMagnitude), text(L.name), list(v.union([v.boolean(), range(-L.maxMagnitude, L.maxMagnitude), text(L.name)]), L.listOption)],
  'expected a boolean, number, string or a list of them',
);
const options = v.optional(
  v.pipe(
    v.record(text(L.shortText), optionValue),
    v.check((o) => Object.keys(o).length <= L.options, `expected at most ${L.options} options`),
  ),
);

const recipe = v.object({
  steps: v.pipe(list(v.object({ method: nonEmptyText(L.shortText), options }), L.recipeSteps), v.minLength(1, 'expected at least one step')),
  overrides: optionalList(v.object({ nodes: nonEmptyText(L.name), method: nonEmptyText(L.shortText), options }), L.overrides),
});

const latency = v.object({
  backend,
  threads,
  round: v.optional(count(L.maxRuns)),
  sessionMs: ms,
  firstRunMs: ms,
  min: ms,
  p50: ms,
  p90: ms,
  max: ms,
  mean: ms,
  n: v.pipe(count(L.maxRuns), v.minValue(1, 'expected at least 1 run')),
  speedInterval: v.optional(v.object({ low: range(0, 1e6), high: range(0, 1e6) })),
});

const outputMetrics = v.object({
  name: text(L.name),
  cosine,
  sqnrDb: extended(-L.maxDb, L.maxDb),
  maxAbs: range(0, L.maxMagnitude),
  meanAbs: range(0, L.maxMagnitude),
  relL2: extended(0, L.maxMagnitude),
  top1Agreement: v.optional(share),
  top5Agreement: v.optional(share),
});

const fidelity = v.object({
  inputs: v.picklist(['synthetic', 'samples'], 'expected "synthetic" or "samples"'),
  samples: v.pipe(count(L.maxRuns), v.minValue(1, 'expected at least 1 sample')),
  outputs: list(outputMetrics, L.outputs),
});

const accuracy = v.object({
  output: text(L.name),
  samples: count(L.maxRuns),
  reference: percent,
  candidate: percent,
  dropPoints: points,
  top5: v.optional(v.object({ reference: percent, candidate: percent, dropPoints: points })),
});

const layer = v.object({
  tensor: text(L.name),
  opType: text(L.shortText),
  sqnrDb: extended(-L.maxDb, L.maxDb),
  localSqnrDb: extended(-L.maxDb, L.maxDb),
});

const figures = {
  label: nonEmptyText(L.label),
  sizeBytes: count(L.maxBytes),
  gzipBytes: v.optional(count(L.maxBytes)),
  params: v.optional(count(L.maxCount)),
  macs: v.optional(count(L.maxMacs)),
  latency: list(latency, L.latencyEntries),
};

const variant = v.object({
  ...figures,
  recipe: v.optional(recipe),
  cpuOnly: v.optional(v.boolean()),
  fidelity: v.optional(fidelity),
  evaluation: v.optional(fidelity),
  accuracy: v.optional(accuracy),
  worstLayers: optionalList(layer, L.worstLayers),
});

const opHistogram = v.pipe(
  v.record(text(L.shortText), count(L.maxCount)),
  v.check((o) => Object.keys(o).length <= L.opTypes, `expected at most ${L.opTypes} op types`),
);

const model = v.object({
  fileName: nonEmptyText(L.fileName),
  sizeBytes: count(L.maxBytes),
  sha256: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits')),
  opsets: list(v.object({ domain: text(L.shortText), version: count(10_000) }), L.opsets),
  params: count(L.maxCount),
  macs: count(L.maxMacs),
  opHistogram,
});

const device = v.object({
  host: v.picklist(['browser', 'node'], 'expected "browser" or "node"'),
  logicalCores: v.pipe(count(4096), v.minValue(1, 'expected at least 1')),
  memoryGiB: v.optional(range(0, 1e6)),
  userAgent: text(L.userAgent),
  crossOriginIsolated: v.boolean(),
  wasmThreads: threads,
  wasm: v.object({ simd: v.boolean(), threads: v.boolean(), relaxedSimd: v.boolean() }),
  webgpu: v.optional(text(L.userAgent)),
  figures: list(v.object({ backend, threads, gflops: v.optional(range(0, 1e9)), gbps: v.optional(range(0, 1e9)) }), L.figures),
});

/** Between 2000 and 2200: a creation time outside is a forged or broken report. */
const createdAt = v.pipe(
  v.string(),
  v.maxLength(40, 'expected an ISO 8601 time'),
  v.isoTimestamp('expected an ISO 8601 time such as 2026-01-31T12:00:00.000Z'),
  v.check((s) => {
    const t = Date.parse(s);
    return Number.isFinite(t) && t >= Date.UTC(2000, 0, 1) && t < Date.UTC(2200, 0, 1);
  }, 'expected a time between the years 2000 and 2200'),
);

export const reportSchema = v.object({
  format: v.literal(REPORT_FORMAT, `expected "${REPORT_FORMAT}"`),
  version: v.literal(REPORT_VERSION, `expected ${REPORT_VERSION}`),
  app: v.object({ name: nonEmptyText(L.shortText), version: nonEmptyText(L.shortText) }),
  createdAt,
  model,
  device: v.optional(device),
  settings: v.optional(v.object({ runs: count(L.maxRuns), warmup: count(L.maxRuns), seed: count(0xffffffff), samples: count(L.maxRuns) })),
  original: v.object(figures),
  variants: list(variant, L.variants),
});
