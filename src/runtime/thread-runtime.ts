import { Worker } from 'node:worker_threads';
import type { Feeds } from '../core/evaluate/tensor-data';
import { RuntimeError } from '../core/util/errors';
import type { ThreadRequest, ThreadResponse } from './thread-protocol';
import type { Backend, ModelSession, Runtime } from './types';
import { tsWorkerSource } from './ts-worker';

/** A Node runtime in its own worker thread; close() ends the thread and every session in it. */
export interface ThreadRuntime extends Runtime {
  readonly threads: number;
  close(): Promise<void>;
}

/**
 * A WASM runtime with its own onnxruntime-web instance and a thread pool of `threads`, living in a
 * worker thread. onnxruntime-web fixes its thread count when its WASM module starts, once per
 * JavaScript realm, so comparing 1 thread with all of them in one process needs one such runtime
 * per count. Sessions report each run's time as measured in the thread (ModelSession.lastRunMs).
 */
export async function createThreadRuntime(threads: number): Promise<ThreadRuntime> {
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`threads is ${threads}; expected an integer >= 1.`);
  const worker = new Worker(tsWorkerSource(new URL('./thread-host.ts', import.meta.url).href), { eval: true, workerData: { threads } });
  worker.unref();
  const pending = new Map<number, { resolve: (r: ThreadResponse) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let failure: Error | undefined;
  const failAll = (e: Error): void => {
    failure ??= e;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  worker.on('message', (r: ThreadResponse) => {
    const p = pending.get(r.id);
    pending.delete(r.id);
    p?.resolve(r);
  });
  worker.on('error', (e) => failAll(new RuntimeError(`The onnxruntime thread (${threads} WASM threads) failed: ${e.message}`)));
  worker.on('exit', () => failAll(new RuntimeError(`The onnxruntime thread (${threads} WASM threads) has ended.`)));

  type Req = ThreadRequest extends infer R ? (R extends ThreadRequest ? Omit<R, 'id'> : never) : never;
  const call = async (request: Req): Promise<ThreadResponse & { ok: true }> => {
    if (failure) throw failure;
    const id = nextId++;
    const response = await new Promise<ThreadResponse>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...request, id } as ThreadRequest);
    });
    if (!response.ok) throw new RuntimeError(response.error.message);
    return response;
  };

  return {
    threads,
    async availableBackends(): Promise<Backend[]> {
      return ['wasm'];
    },
    async createSession(bytes, options = {}): Promise<ModelSession> {
      if (options.backend === 'webgpu') throw new RuntimeError('WebGPU is not available in Node; use the wasm backend.');
      const created = await call({ op: 'create', bytes, ...(options.externalData && { externalData: options.externalData }) });
      if (!('session' in created)) throw new RuntimeError('The onnxruntime thread answered a create without a session.');
      const id = created.session;
      let lastRunMs: number | undefined;
      return {
        backend: 'wasm',
        threads: created.threads,
        inputs: created.inputs,
        outputs: created.outputs,
        get lastRunMs() {
          return lastRunMs;
        },
        async run(feeds: Feeds, outputNames?: string[]): Promise<Feeds> {
          const r = await call({ op: 'run', session: id, feeds, ...(outputNames && { outputNames }) });
          if (!('ms' in r)) throw new RuntimeError('The onnxruntime thread answered a run without outputs.');
          lastRunMs = r.ms;
          return r.outputs;
        },
        async release(): Promise<void> {
          if (!failure) await call({ op: 'release', session: id });
        },
      };
    },
    async close(): Promise<void> {
      await worker.terminate();
    },
  };
}
