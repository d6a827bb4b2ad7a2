/**
 * Worker-thread entry of createThreadRuntime: one onnxruntime-web instance whose WASM thread
 * pool has the size given in workerData. Sessions live here; the parent sends create, run and
 * release requests and gets plain data back. Each run reports its own time, measured here, so
 * timings do not include the message round trip.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-web';
import { createOrtRuntime } from './ort-runtime';
import type { ThreadRequest, ThreadResponse } from './thread-protocol';
import type { ModelSession } from './types';

const threads = (workerData as { threads: number }).threads;
ort.env.wasm.numThreads = threads;
const runtime = createOrtRuntime(ort, { webgpu: false, maxThreads: threads });
const sessions = new Map<number, ModelSession>();
let nextId = 1;

async function handle(request: ThreadRequest): Promise<ThreadResponse> {
  switch (request.op) {
    case 'create': {
      const session = await runtime.createSession(request.bytes, { backend: 'wasm', threads, ...(request.externalData && { externalData: request.externalData }) });
      const id = nextId++;
      sessions.set(id, session);
      return { id: request.id, ok: true, session: id, threads: session.threads ?? threads, inputs: session.inputs, outputs: session.outputs };
    }
    case 'run': {
      const session = sessions.get(request.session);
      if (!session) throw new Error(`No session ${request.session} in this thread.`);
      const t = performance.now();
      const outputs = await session.run(request.feeds, request.outputNames);
      return { id: request.id, ok: true, outputs, ms: performance.now() - t };
    }
    case 'release': {
      await sessions.get(request.session)?.release();
      sessions.delete(request.session);
      return { id: request.id, ok: true };
    }
  }
}

parentPort!.on('message', (request: ThreadRequest) => {
  handle(request).then(
    (response) => parentPort!.postMessage(response),
    (e: unknown) => {
      const { name, message } = e instanceof Error ? e : new Error(String(e));
      parentPort!.postMessage({ id: request.id, ok: false, error: { name, message } } satisfies ThreadResponse);
    },
  );
});
