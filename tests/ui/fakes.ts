import { vi } from 'vitest';
import type { ModelSummary } from '../../src/core/analyze/summary';
import { AbortError, ModelFormatError } from '../../src/core/util/errors';
import { SampleFormatError } from '../../src/core/evaluate/loaders/sample-error';
import { createModelRegistry } from '../../src/ui/services/model-registry';
import { createStudioStore } from '../../src/ui/store/studio-store';
import type { BenchResult, DroppedFile, EvaluateResult, FidelityResult, Progress, RecipeInput, SampleSettings, StepReport, StudioServices, VariantInfo } from '../../src/ui/services/types';
import type { LayerError } from '../../src/core/evaluate/per-layer-result';
import type { MethodInfo } from '../../src/ui/store/studio-state';

export function fakeSummary(sizeBytes: number, overrides: Partial<ModelSummary> = {}): ModelSummary {
  return {
    sizeBytes,
    irVersion: 8,
    opsets: [{ domain: '', version: 17 }],
    producer: { name: 'featherweight-tests', version: '1' },
    graphName: 'g',
    inputs: [{ name: 'x', dtype: 'float32', shape: ['batch', 16] }],
    outputs: [{ name: 'y', dtype: 'float32', shape: ['batch', 4] }],
    nodes: 3,
    opHistogram: { MatMul: 2, Relu: 1 },
    params: 1234,
    bytesByDType: { float32: 4936 },
    layers: [
      { name: 'w1', op: 'MatMul', shape: [16, 64], params: 1024, bytes: 4096, dtype: 'float32', graphPath: '', nodes: ['mm1'] },
      { name: 'w2', op: 'MatMul', shape: [64, 4], params: 256, bytes: 1024, dtype: 'float32', graphPath: '', nodes: [] },
    ],
    macs: { total: 1280, byNode: [], complete: true, assumedDims: { batch: 1 } },
    webgpu: { unsupportedOps: [], unsupportedNodes: 0 },
    ...overrides,
  };
}

export function fakeBench(p50: number, threads = 1): BenchResult {
  return {
    backend: 'wasm',
    threads,
    sessionMs: 5,
    firstRunMs: p50 * 2,
    latencyMs: { min: p50 * 0.9, p50, p90: p50 * 1.1, max: p50 * 1.2, mean: p50, n: 5 },
    throughputPerSec: 1000 / p50,
    inputShapes: { x: [1, 16] },
    // 1 MFLOP (0.5 M MACs) and 1 MB a run.
    cost: { macs: 500_000, macsComplete: true, weightBytes: 600_000, activationBytes: 400_000, unknownActivations: 0 },
  } as BenchResult;
}

export const fakeFidelity: FidelityResult = {
  outputs: [{ name: 'y', elements: 8, cosine: 0.9998, sqnrDb: 40, maxAbs: 0.01, meanAbs: 0.002, relL2: 0.01, nonFinite: { reference: 0, candidate: 0 } }],
  inputShapes: { x: [1, 16] },
  samples: 2,
};

export const fakeMethods: MethodInfo[] = [
  {
    id: 'int8-weight',
    label: 'int8 weights',
    description: 'Weights as int8',
    options: [
      { kind: 'boolean', key: 'perChannel', label: 'Per output channel', default: true },
      { kind: 'number', key: 'minElements', label: 'Minimum weight size', default: 128, min: 1, integer: true },
    ],
  },
  {
    id: 'int4',
    label: 'int4 blocks',
    description: 'Weights as 4-bit blocks',
    options: [{ kind: 'enum', key: 'block', label: 'Block size', default: '32', choices: ['16', '32', '64'] }],
  },
  {
    id: 'int8-dynamic',
    label: 'int8 dynamic',
    description: 'Integer MatMul on the CPU',
    options: [],
    backends: ['wasm'],
  },
];

/**
 * Stands in for the core's recipeToString: the CLI grammar, options that differ from the fake
 * declarations' defaults only.
 */
export function fakeRecipeText(recipe: RecipeInput): string {
  return recipe.steps
    .map((step) => {
      const method = fakeMethods.find((m) => m.id === step.method);
      if (!method) throw new Error(`Unknown method '${step.method}'.`);
      const pairs = method.options
        .filter((f) => step.options[f.key] !== undefined && step.options[f.key] !== f.default)
        .map((f) => `${f.key}=${String(step.options[f.key])}`);
      return pairs.length > 0 ? `${step.method}:${pairs.join(',')}` : step.method;
    })
    .join('+');
}

/** A promise whose settlement the test controls. */
export function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export interface FakeLog {
  compressCalls: { id: string; recipe: unknown; name: string; samples?: SampleSettings }[];
  /** `inspect <n files>`, `evaluate <ids> on <samples|synthetic>`, `perLayer <id> on <samples|synthetic>`. */
  evalCalls: string[];
  /** Calls whose signal aborted while they ran, stopping the fake worker (evaluation, model, bench). */
  evalCancels: number;
  modelCancels: number;
  benchCancels: number;
  downloads: { id: string; fileName: string }[];
  measured: string[];
  /** `candidate@backend` per fidelity comparison. */
  compared: string[];
  /** Every worker call in the order it started: `compress`, `measureAll <ids>`, `fidelity <id>`. */
  calls: string[];
}

export interface FakeControl {
  holdCompress?: boolean;
  /** Keep each measureAll call pending until the test calls `releaseMeasure`. */
  holdMeasure?: boolean;
  webgpu?: boolean;
  /** WASM threads the fake bench worker reports (1 when unset). */
  maxThreads?: number;
  /** Median latency of a model of this many bytes (default: size / 100 ms). */
  latencyMs?: (sizeBytes: number) => number;
  /** Model ids that fail to load in measureAll (a RuntimeError for that model only). */
  failMeasure?: (id: string) => boolean;
  /** Keep each evaluate/perLayer call pending until cancelled. */
  holdEval?: boolean;
  /** Keep the analysis of these model ids pending until cancelled. */
  holdAnalyze?: (id: string) => boolean;
  /** Keep each inspectSamples call pending until cancelled. */
  holdInspect?: boolean;
}

/** A per-layer row as the worker returns it. */
export function fakeLayer(tensor: string, opType: string, sqnrDb: number): LayerError {
  return { tensor, node: `${tensor}_node`, opType, inputs: [], elements: 16, cosine: 1 - 10 ** (-sqnrDb / 10), sqnrDb, localSqnrDb: sqnrDb, maxAbs: 0.01, meanAbs: 0.001, relL2: 10 ** (-sqnrDb / 20), nonFinite: { reference: 0, candidate: 0 } };
}

const SAMPLE_FILE = /\.(png|jpe?g|webp|wav|npy|npz|json)$/i;

/** What the fake worker makes of the held sample files: images count, class folders label them; a folder named 'bad' holds an unknown label. */
function fakeSampleInfo(files: readonly DroppedFile[], settings: SampleSettings) {
  const samples = files.filter((f) => SAMPLE_FILE.test(f.path));
  const ignored = files.filter((f) => !SAMPLE_FILE.test(f.path)).map((f) => f.path);
  const folders = samples.length > 0 && samples.every((f) => f.path.includes('/'));
  const labels = [...new Set(samples.map((f) => f.path.split('/')[0]!))].sort();
  const names = settings.classes.mode === 'list' ? settings.classes.names : labels;
  const unknown = folders ? samples.find((f) => !names.includes(f.path.split('/')[0]!) || f.path.startsWith('bad/')) : undefined;
  if (unknown) throw new SampleFormatError('class folders', `1 label is unknown: '${unknown.path.split('/')[0]}' (${unknown.path}); expected a class of [${names.join(', ')}].`);
  return {
    count: samples.length,
    files: samples.map((f) => f.path),
    ignored,
    kinds: { image: samples.length },
    shapes: { x: [[1, 16]] },
    ...(folders && {
      labelled: {
        source: 'class folders',
        mapping: settings.classes.mode === 'list' ? ('class-list' as const) : ('sorted-names' as const),
        classes: names.map((label, index) => ({ label, index, count: samples.filter((f) => f.path.startsWith(`${label}/`)).length })),
        output: 'y',
        classCount: 4,
      },
    }),
  };
}

/**
 * Settles as `work` does unless `signal` aborts first, as a worker job does: then it rejects with
 * AbortError and `stopped` records that a running call was stopped. An already aborted signal
 * rejects at once without running anything.
 */
function stoppable<T>(signal: AbortSignal, work: () => Promise<T>, stopped: () => void): Promise<T> {
  if (signal.aborted) return Promise.reject(new AbortError());
  return new Promise<T>((resolve, reject) => {
    const stop = (): void => {
      stopped();
      reject(new AbortError());
    };
    signal.addEventListener('abort', stop, { once: true });
    work().then(
      (value) => {
        signal.removeEventListener('abort', stop);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', stop);
        reject(error);
      },
    );
  });
}

/**
 * Services that behave like the workers without any: files whose text starts with "ONNX" analyze
 * fine, anything else fails with the decoder's typed error; compression halves the size.
 */
export function fakeServices(control: FakeControl = {}) {
  const registry = createModelRegistry();
  const log: FakeLog = { compressCalls: [], evalCalls: [], evalCancels: 0, modelCancels: 0, benchCancels: 0, downloads: [], measured: [], compared: [], calls: [] };
  const heldMeasures: { resolve: () => void }[] = [];
  let sampleFiles: readonly DroppedFile[] = [];
  /** Never settles: a held call ends only when its signal aborts. */
  const hold = (held: boolean | undefined): Promise<void> => (held ? new Promise<void>(() => undefined) : Promise.resolve());
  const onModel = <T,>(signal: AbortSignal, work: () => Promise<T>) => stoppable(signal, work, () => (log.modelCancels += 1));
  const onBench = <T,>(signal: AbortSignal, work: () => Promise<T>) => stoppable(signal, work, () => (log.benchCancels += 1));
  const onEval = <T,>(signal: AbortSignal, work: () => Promise<T>) => stoppable(signal, work, () => (log.evalCancels += 1));
  const services: StudioServices = {
    registry,
    models: {
      analyze: (signal, id) =>
        onModel(signal, async () => {
          await hold(control.holdAnalyze?.(id));
          const files = registry.get(id)!;
          const head = new TextDecoder().decode(await files.model.slice(0, 4).arrayBuffer());
          if (head !== 'ONNX') throw new ModelFormatError('The file could not be read as an ONNX protobuf (premature EOF).');
          return fakeSummary(files.model.size);
        }),
      compress: (signal, id, recipe, name, onProgress: (p: Progress) => void, samples?: SampleSettings) =>
        onModel(signal, async () => {
          log.compressCalls.push({ id, recipe, name, ...(samples && { samples }) });
          log.calls.push('compress');
          onProgress({ kind: 'step', phase: 'quantize', index: 1, total: 2, item: 'w1' });
          // int4 shrinks to a quarter, anything else to a half.
          const shrink = recipe.steps.some((st) => st.method === 'int4') ? 4 : 2;
          const size = Math.round(registry.get(id)!.model.size / shrink);
          const makeVariant = (): VariantInfo => {
            const variantId = registry.add({ name, model: new Blob([new Uint8Array(size)]), external: new Map() });
            const steps = recipe.steps.map((st): StepReport => ({
              method: st.method,
              options: st.options,
              tensors: 2,
              ms: 1,
              warnings: st.method === 'int4' ? ['w2 stays float: 4 rows is less than one block'] : [],
              changes: [
                { kind: 'weight-error', name: 'w1', maxAbsError: 0.01, meanAbsError: 0.001, sqnrDb: 40 },
                { kind: 'weight-error', name: 'w2', maxAbsError: 0.02, meanAbsError: 0.002, sqnrDb: 35 },
              ],
              before: { parameters: 1000, macs: 5000, storedBytes: size * shrink, gzipBytes: size * shrink },
              after: { parameters: 1000, macs: 5000, storedBytes: size, gzipBytes: size },
            }));
            const calibrates = recipe.steps.some((st) => st.method === 'int8-static');
            const calibration = samples ? { kind: 'samples' as const, count: Math.min(16, sampleFiles.length), of: sampleFiles.length } : { kind: 'synthetic' as const, count: 16 };
            return { id: variantId, name, sizeBytes: size, steps, ms: 1, ...(calibrates && { calibration }) };
          };
          await hold(control.holdCompress);
          return makeVariant();
        }),
    },
    bench: {
      backends: (signal) => onBench(signal, async () => (control.webgpu ? ['wasm', 'webgpu'] : ['wasm'])),
      maxThreads: (signal) => onBench(signal, async () => control.maxThreads ?? 1),
      measureAll: (signal, ids, options) =>
        onBench(signal, async () => {
          log.calls.push(`measureAll ${ids.join(',')}${options.threads ? ` threads=${options.threads}` : ''}`);
          if (control.holdMeasure) {
            const held = deferred<void>();
            heldMeasures.push(held);
            signal.addEventListener('abort', () => heldMeasures.splice(heldMeasures.indexOf(held), 1), { once: true });
            await held.promise;
          }
          return ids.map((id) => {
            log.measured.push(`${id}@${options.backend}`);
            if (control.failMeasure?.(id)) return { ok: false as const, error: { name: 'RuntimeError', message: `Model ${id} failed to load.` } };
            const size = registry.get(id)!.model.size;
            return { ok: true as const, result: fakeBench(control.latencyMs ? control.latencyMs(size) : size / 100, options.threads ?? control.maxThreads ?? 1) };
          });
        }),
      fidelity: (signal, _referenceId, candidateId, options) =>
        onBench(signal, async () => {
          log.compared.push(`${candidateId}@${options.backend}`);
          log.calls.push(`fidelity ${candidateId}`);
          return fakeFidelity;
        }),
    },
    sampleFiles: {
      set(files) {
        sampleFiles = [...files];
      },
      get: () => sampleFiles,
    },
    evaluation: {
      inspectSamples: (signal, _modelId, settings) =>
        onEval(signal, async () => {
          log.evalCalls.push(`inspect ${sampleFiles.length}`);
          await hold(control.holdInspect);
          return fakeSampleInfo(sampleFiles, settings);
        }),
      evaluate: (signal, _referenceId, ids, settings, _options, onProgress) =>
        onEval(signal, async () => {
          log.evalCalls.push(`evaluate ${ids.join(',')} on ${settings ? 'samples' : 'synthetic'}`);
          onProgress({ kind: 'step', phase: 'original', index: 0, total: 2 });
          await hold(control.holdEval);
          const info = settings ? fakeSampleInfo(sampleFiles, settings) : undefined;
          const result: EvaluateResult = {
            inputs: info ? { kind: 'samples', count: info.count, of: info.count, labelled: info.labelled !== undefined } : { kind: 'synthetic', count: 8, seed: 42, shapes: { x: [1, 16] } },
            candidates: ids.map((id, i) => ({
              ok: true as const,
              evaluation: {
                samples: info?.count ?? 8,
                outputs: [{ ...fakeFidelity.outputs[0]!, kind: 'classifier' as const, top1Agreement: 1 - i * 0.25, top5Agreement: 1 }],
                ...(info?.labelled && { accuracy: { output: 'y', samples: info.count, reference: 75, candidate: 75 - 25 * i, dropPoints: 25 * i } }),
              },
            })),
          };
          return result;
        }),
      perLayer: (signal, _referenceId, id, settings) =>
        onEval(signal, async () => {
          log.evalCalls.push(`perLayer ${id} on ${settings ? 'samples' : 'synthetic'}`);
          await hold(control.holdEval);
          return {
            inputs: settings ? { kind: 'samples', count: Math.min(8, sampleFiles.length), of: sampleFiles.length, labelled: false } : { kind: 'synthetic', count: 8, seed: 42, shapes: { x: [1, 16] } },
            layers: [fakeLayer('h1', 'MatMul', 38), fakeLayer('a1', 'Relu', 12), fakeLayer('y', 'MatMul', 30)],
          };
        }),
    },
    async loadSample(signal) {
      if (signal.aborted) throw new AbortError();
      return new File(['ONNX sample bytes'], 'paddleocr-cls.onnx');
    },
    download(id, fileName) {
      log.downloads.push({ id, fileName });
    },
  };
  /** Lets the oldest held measure call finish. */
  const releaseMeasure = (): void => heldMeasures.shift()?.resolve();
  return { services, registry, log, releaseMeasure, heldMeasures: () => heldMeasures.length };
}

export const onnxFile = (name = 'tiny.onnx', body = 'ONNX model bytes, 32 bytes long.'): File => new File([body], name);

/** jsdom has no ResizeObserver; recharts' ResponsiveContainer needs one (restored by vi.unstubAllGlobals). */
export function stubResizeObserver(): void {
  vi.stubGlobal(
    'ResizeObserver',
    class {
      observe() {}
      unobserve() {}
      disconnect() {}
    },
  );
}

/** A fresh studio store over fake services, with the fakes' log and controls beside it. */
export function fakeStudio(control: FakeControl = {}) {
  const fake = fakeServices(control);
  const store = createStudioStore({ services: fake.services, methods: fakeMethods, recipeText: fakeRecipeText });
  return { ...fake, store };
}

/** Lets queued promise callbacks run (`rounds` microtask turns). */
export async function settle(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}
