import type { ModelSummary } from '../../src/core/analyze/summary';
import { AbortError, ModelFormatError } from '../../src/core/util/errors';
import { createModelRegistry } from '../../src/ui/services/model-registry';
import type { BenchResult, FidelityResult, Progress, RecipeInput, StudioServices, VariantInfo } from '../../src/ui/services/types';
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
      { name: 'w1', op: 'MatMul', shape: [16, 64], params: 1024, bytes: 4096, dtype: 'float32', graphPath: '' },
      { name: 'w2', op: 'MatMul', shape: [64, 4], params: 256, bytes: 1024, dtype: 'float32', graphPath: '' },
    ],
    macs: { total: 1280, byNode: [], complete: true, assumedDims: { batch: 1 } },
    webgpu: { unsupportedOps: [], unsupportedNodes: 0 },
    ...overrides,
  };
}

export function fakeBench(p50: number): BenchResult {
  return {
    backend: 'wasm',
    threads: 1,
    sessionMs: 5,
    firstRunMs: p50 * 2,
    latencyMs: { min: p50 * 0.9, p50, p90: p50 * 1.1, max: p50 * 1.2, mean: p50, n: 5 },
    inputShapes: { x: [1, 16] },
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
  compressCalls: { id: string; recipe: unknown; name: string }[];
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
  /** Median latency of a model of this many bytes (default: size / 100 ms). */
  latencyMs?: (sizeBytes: number) => number;
  /** Model ids that fail to load in measureAll (a RuntimeError for that model only). */
  failMeasure?: (id: string) => boolean;
}

/**
 * Services that behave like the workers without any: files whose text starts with "ONNX" analyze
 * fine, anything else fails with the decoder's typed error; compression halves the size.
 */
export function fakeServices(control: FakeControl = {}) {
  const registry = createModelRegistry();
  const log: FakeLog = { compressCalls: [], modelCancels: 0, benchCancels: 0, downloads: [], measured: [], compared: [], calls: [] };
  const heldMeasures: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  let pendingCompress: ReturnType<typeof deferred<VariantInfo>> | undefined;
  const services: StudioServices = {
    registry,
    models: {
      async analyze(id) {
        const files = registry.get(id)!;
        const head = new TextDecoder().decode(await files.model.slice(0, 4).arrayBuffer());
        if (head !== 'ONNX') throw new ModelFormatError('The file could not be read as an ONNX protobuf (premature EOF).');
        return fakeSummary(files.model.size);
      },
      async compress(id, recipe, name, onProgress: (p: Progress) => void) {
        log.compressCalls.push({ id, recipe, name });
        log.calls.push('compress');
        onProgress({ kind: 'step', phase: 'quantize', index: 1, total: 2, item: 'w1' });
        // int4 shrinks to a quarter, anything else to a half.
        const shrink = recipe.steps.some((st) => st.method === 'int4') ? 4 : 2;
        const size = Math.round(registry.get(id)!.model.size / shrink);
        const makeVariant = (): VariantInfo => {
          const variantId = registry.add({ name, model: new Blob([new Uint8Array(size)]), external: new Map() });
          const steps = recipe.steps.map((st) => ({
            method: st.method,
            tensors: 2,
            ms: 1,
            bytesBefore: size * shrink,
            bytesAfter: size,
            warnings: st.method === 'int4' ? ['w2 stays float: 4 rows is less than one block'] : [],
          }));
          return { id: variantId, name, sizeBytes: size, steps, ms: 1 };
        };
        if (!control.holdCompress) return makeVariant();
        pendingCompress = deferred<VariantInfo>();
        return pendingCompress.promise;
      },
      cancel() {
        log.modelCancels += 1;
        pendingCompress?.reject(new AbortError());
        pendingCompress = undefined;
      },
    },
    bench: {
      async backends() {
        return control.webgpu ? ['wasm', 'webgpu'] : ['wasm'];
      },
      async measureAll(ids, options) {
        log.calls.push(`measureAll ${ids.join(',')}`);
        if (control.holdMeasure) {
          const held = deferred<void>();
          heldMeasures.push(held);
          await held.promise;
        }
        return ids.map((id) => {
          log.measured.push(`${id}@${options.backend}`);
          if (control.failMeasure?.(id)) return { ok: false as const, error: { name: 'RuntimeError', message: `Model ${id} failed to load.` } };
          const size = registry.get(id)!.model.size;
          return { ok: true as const, result: fakeBench(control.latencyMs ? control.latencyMs(size) : size / 100) };
        });
      },
      async fidelity(_referenceId, candidateId, options) {
        log.compared.push(`${candidateId}@${options.backend}`);
        log.calls.push(`fidelity ${candidateId}`);
        return fakeFidelity;
      },
      cancel() {
        log.benchCancels += 1;
        for (const held of heldMeasures.splice(0)) held.reject(new AbortError());
      },
    },
    async loadSample() {
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
