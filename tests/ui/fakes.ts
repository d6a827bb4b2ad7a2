import type { ModelSummary } from '../../src/core/analyze/summary';
import { AbortError, ModelFormatError } from '../../src/core/util/errors';
import { createModelRegistry } from '../../src/ui/services/model-registry';
import type { BenchResult, FidelityResult, Progress, StudioServices, VariantInfo } from '../../src/ui/services/types';
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
];

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
}

/**
 * Services that behave like the workers without any: files whose text starts with "ONNX" analyze
 * fine, anything else fails with the decoder's typed error; compression halves the size.
 */
export function fakeServices(control: { holdCompress?: boolean; webgpu?: boolean } = {}) {
  const registry = createModelRegistry();
  const log: FakeLog = { compressCalls: [], modelCancels: 0, benchCancels: 0, downloads: [], measured: [] };
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
        onProgress({ kind: 'step', phase: 'quantize', index: 1, total: 2, item: 'w1' });
        const size = Math.round(registry.get(id)!.model.size / 2);
        const makeVariant = (): VariantInfo => {
          const variantId = registry.add({ name, model: new Blob([new Uint8Array(size)]), external: new Map() });
          return { id: variantId, name, sizeBytes: size, steps: [], ms: 1 };
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
      async measure(id, options) {
        log.measured.push(`${id}@${options.backend}`);
        return fakeBench(registry.get(id)!.model.size / 100);
      },
      async fidelity() {
        return fakeFidelity;
      },
      cancel() {
        log.benchCancels += 1;
      },
    },
    async loadSample() {
      return new File(['ONNX sample bytes'], 'paddleocr-cls.onnx');
    },
    download(id, fileName) {
      log.downloads.push({ id, fileName });
    },
  };
  return { services, registry, log };
}

export const onnxFile = (name = 'tiny.onnx', body = 'ONNX model bytes, 32 bytes long.'): File => new File([body], name);
