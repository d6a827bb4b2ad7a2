import * as Comlink from 'comlink';
import { AbortError } from '../../core/util/errors';

/**
 * A lazily started worker whose jobs can be cancelled. Cancelling terminates the worker (the only
 * way to stop WASM mid-run), rejects every pending job with AbortError, and the next job starts
 * a fresh worker. With no job pending, cancel leaves the idle worker alone.
 */
export interface WorkerClient<T> {
  run<R>(job: (remote: Comlink.Remote<T>) => Promise<R>): Promise<R>;
  cancel(): void;
}

export function createWorkerClient<T>(spawn: () => Worker): WorkerClient<T> {
  let current: { worker: Worker; remote: Comlink.Remote<T> } | undefined;
  const pending = new Set<(e: Error) => void>();
  const ensure = (): Comlink.Remote<T> => {
    if (!current) {
      const worker = spawn();
      current = { worker, remote: Comlink.wrap<T>(worker) };
    }
    return current.remote;
  };
  return {
    run<R>(job: (remote: Comlink.Remote<T>) => Promise<R>): Promise<R> {
      return new Promise<R>((resolve, reject) => {
        const abort = (e: Error): void => reject(e);
        pending.add(abort);
        let started: Promise<R>;
        try {
          started = job(ensure());
        } catch (e) {
          started = Promise.reject(e);
        }
        started.then(
          (value) => {
            pending.delete(abort);
            resolve(value);
          },
          (error: unknown) => {
            pending.delete(abort);
            reject(error);
          },
        );
      });
    },
    cancel() {
      // Nothing running: keep the worker (and whatever it has warmed up, e.g. onnxruntime's WASM).
      if (pending.size === 0) return;
      if (current) {
        current.worker.terminate();
        current = undefined;
      }
      for (const abort of pending) abort(new AbortError('Cancelled: the worker was stopped.'));
      pending.clear();
    },
  };
}
