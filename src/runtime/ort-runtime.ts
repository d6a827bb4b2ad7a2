import type * as OrtModule from 'onnxruntime-web';
import type { Feeds, TensorData, TensorValues } from '../core/evaluate/tensor-data';
import type { DTypeName } from '../core/ir/dtype';
import { RuntimeError } from '../core/util/errors';
import type { Backend, IOInfo, ModelSession, Runtime, SessionOptions } from './types';
import { parseNodePlacements, type NodePlacements } from './node-placement';

type Ort = typeof OrtModule;

/** Serialises async calls: onnxruntime-web's WASM backend is not re-entrant. */
function serialQueue(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (task) => {
    const result = tail.then(task, task);
    tail = result.catch(() => undefined);
    return result;
  };
}

const ORT_DTYPES: Partial<Record<DTypeName, OrtModule.Tensor.Type>> = {
  float32: 'float32',
  float16: 'float16',
  float64: 'float64',
  int8: 'int8',
  uint8: 'uint8',
  int16: 'int16',
  uint16: 'uint16',
  int32: 'int32',
  uint32: 'uint32',
  int64: 'int64',
  uint64: 'uint64',
  bool: 'bool',
  string: 'string',
  int4: 'int4',
  uint4: 'uint4',
};

function toOrtTensor(ort: Ort, name: string, t: TensorData): OrtModule.Tensor {
  const type = ORT_DTYPES[t.dtype];
  if (!type) throw new RuntimeError(`Input '${name}' has dtype ${t.dtype}, which onnxruntime-web cannot take as a feed.`);
  return new ort.Tensor(type, t.data as never, t.dims);
}

function fromOrtTensor(t: OrtModule.Tensor): TensorData {
  const dtype = (Object.entries(ORT_DTYPES).find(([, v]) => v === t.type)?.[0] ?? 'undefined') as DTypeName;
  return { dtype, dims: [...t.dims], data: t.data as TensorValues };
}

function ioInfo(meta: readonly OrtModule.InferenceSession.ValueMetadata[]): IOInfo[] {
  return meta.map((m) =>
    m.isTensor ? { name: m.name, dtype: m.type, dims: [...m.shape].map((d) => d ?? '?') } : { name: m.name, dtype: 'non-tensor', dims: [] },
  );
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Collects what onnxruntime's WASM module prints while started (hosts that route its console output). */
export interface LogCapture {
  start(): void;
  stop(): string[];
}

/**
 * The runtime over an onnxruntime-web module. Hosts pass in the module they loaded
 * (Node entry or browser WebGPU bundle), whether WebGPU is present and, where they can read
 * onnxruntime's log, a capture for the node placements a session asks for.
 */
export function createOrtRuntime(ort: Ort, host: { webgpu: boolean; maxThreads: number; logCapture?: LogCapture }): Runtime {
  const queue = serialQueue();
  let configuredThreads: number | undefined;
  return {
    async availableBackends(): Promise<Backend[]> {
      return host.webgpu ? ['wasm', 'webgpu'] : ['wasm'];
    },
    async createSession(bytes: Uint8Array, options: SessionOptions = {}): Promise<ModelSession> {
      const backend = options.backend ?? 'wasm';
      if (backend === 'webgpu' && !host.webgpu) throw new RuntimeError('WebGPU is not available on this device; use the wasm backend.');
      const threads = Math.max(1, Math.min(options.threads ?? 1, host.maxThreads));
      // numThreads only takes effect before the WASM module starts; later changes are ignored.
      if (configuredThreads === undefined) {
        ort.env.wasm.numThreads = threads;
        configuredThreads = threads;
      }
      // Node placements are logged at verbose level only: ask for that just for this session's creation.
      const capture = options.placements ? host.logCapture : undefined;
      let placements: NodePlacements | undefined;
      const session = await queue(async () => {
        capture?.start();
        try {
          return await ort.InferenceSession.create(bytes, {
            executionProviders: [backend],
            graphOptimizationLevel: 'all',
            ...(options.externalData && { externalData: options.externalData.map((f) => ({ path: f.path, data: f.data })) }),
            ...(capture && { logSeverityLevel: 0, logVerbosityLevel: 0 }),
          });
        } catch (e) {
          throw new RuntimeError(`onnxruntime-web could not load the model on ${backend}: ${reason(e)}`);
        } finally {
          if (capture) placements = parseNodePlacements(capture.stop());
        }
      });
      return {
        backend,
        ...(placements && { placements }),
        threads: configuredThreads,
        inputs: ioInfo(session.inputMetadata),
        outputs: ioInfo(session.outputMetadata),
        run: (feeds: Feeds, outputNames?: string[]) =>
          queue(async () => {
            const ortFeeds: Record<string, OrtModule.Tensor> = {};
            for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = toOrtTensor(ort, name, t);
            let result: OrtModule.InferenceSession.ReturnType;
            try {
              result = outputNames ? await session.run(ortFeeds, outputNames) : await session.run(ortFeeds);
            } catch (e) {
              throw new RuntimeError(`onnxruntime-web failed to run the model on ${backend}: ${reason(e)}`);
            }
            const out: Feeds = {};
            for (const [name, t] of Object.entries(result)) out[name] = fromOrtTensor(t);
            return out;
          }),
        release: () => queue(() => session.release()),
      };
    },
  };
}

